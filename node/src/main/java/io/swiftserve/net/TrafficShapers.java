package io.swiftserve.net;

import io.netty.channel.Channel;
import io.netty.channel.ChannelPipeline;
import io.netty.handler.traffic.ChannelTrafficShapingHandler;
import io.netty.handler.traffic.GlobalTrafficShapingHandler;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ScheduledExecutorService;

/**
 * {@link Bandwidth} on Netty connections: Netty's traffic shapers, one
 * {@link GlobalTrafficShapingHandler} shared by every session (the node's limits) and one
 * {@link ChannelTrafficShapingHandler} per session (the per-peer limits), both at the head of the
 * pipeline so they count bytes as they cross the socket (TLS records included). A limit of 0 is
 * none. Why Netty's shapers and not our own bucket: docs/ARCHITECTURE.md, "Bandwidth limits".
 *
 * <p>They fit the chunk wire: a {@code FileRegion} is counted at its size and passed on untouched
 * (sendfile stays), reads pause by turning auto-read off for the computed wait (the kernel's window
 * then slows the sender; no thread sleeps), and writes over the limit wait in the shaper's queue,
 * which clears the channel's writability once it holds {@link #HELD_WRITES} bytes, so the upload
 * queue stops handing over chunks exactly as it does at the write buffer's high-water mark.
 */
final class TrafficShapers implements Bandwidth, AutoCloseable {
    static final String NODE = "shape-node";
    static final String PEER = "shape-peer";
    /**
     * Bytes a shaper may hold for one connection before it reports the connection unwritable (Netty's
     * default is 4 MiB): what stays out of a cancel's reach, and what a lifted limit still sends at the
     * old pace, is about a second at 1 MiB/s instead of four.
     */
    static final long HELD_WRITES = 1L << 20;
    /** Netty's accounting period, which is also the horizon its delays are computed over. */
    private static final long CHECK_MILLIS = 1000;

    private final GlobalTrafficShapingHandler node;
    private final Set<ChannelTrafficShapingHandler> peers = ConcurrentHashMap.newKeySet();
    private volatile long peerUp;
    private volatile long peerDown;

    TrafficShapers(ScheduledExecutorService timer) {
        node = new GlobalTrafficShapingHandler(timer, 0, 0, CHECK_MILLIS);
        node.setMaxWriteSize(HELD_WRITES);
    }

    @Override
    public void set(long up, long down, long perPeerUp, long perPeerDown) {
        node.configure(up, down);
        peerUp = perPeerUp;
        peerDown = perPeerDown;
        for (ChannelTrafficShapingHandler p : peers) {
            p.configure(perPeerUp, perPeerDown);
        }
    }

    /**
     * Puts the shapers first in an authenticated session's pipeline: the node's nearest the socket,
     * then the peer's. The handshake before is not counted; it is a few kilobytes.
     */
    void install(Channel ch) {
        ChannelTrafficShapingHandler peer = new ChannelTrafficShapingHandler(peerUp, peerDown, CHECK_MILLIS);
        peer.setMaxWriteSize(HELD_WRITES);
        peers.add(peer);
        ch.closeFuture().addListener(f -> peers.remove(peer));
        ChannelPipeline p = ch.pipeline();
        p.addFirst(PEER, peer);
        p.addFirst(NODE, node);
        // a change made between reading the fields and adding to the set would miss this handler
        peer.configure(peerUp, peerDown);
    }

    /** Stops the shared shaper's accounting task and releases what it still holds. */
    @Override
    public void close() {
        node.release();
    }
}

package io.swiftserve.net;

import io.netty.channel.Channel;
import io.netty.channel.ChannelFuture;
import io.netty.util.AttributeKey;
import io.swiftserve.identity.NodeId;
import io.swiftserve.proto.Envelope;
import java.util.concurrent.atomic.AtomicLong;

/** An authenticated connection to one peer. */
public final class PeerSession {
    static final AttributeKey<PeerSession> KEY = AttributeKey.valueOf("swiftserve.session");

    private final Channel channel;
    private final NodeId peer;
    private final boolean outbound;
    private final String listenAddress;
    private volatile Admission.Role role;
    /** Why this node closed it, for the "peer down" line; null when the other side or the network did. */
    private volatile String closeReason;
    /** Whether sessionUp was announced for it, so sessionDown is announced exactly when it must be. */
    volatile boolean announced;

    private volatile java.util.function.BiConsumer<PeerSession, String> onPromoted;
    private final AtomicLong bytesIn = new AtomicLong();
    private final AtomicLong bytesOut = new AtomicLong();
    private final ChunkWire chunks;

    PeerSession(Channel channel, NodeId peer, boolean outbound, String listenAddress, Admission.Role role) {
        this.channel = channel;
        this.peer = peer;
        this.outbound = outbound;
        this.listenAddress = listenAddress;
        this.role = role;
        this.chunks = new NettyChunkWire(channel);
    }

    public static PeerSession of(Channel channel) {
        return channel.attr(KEY).get();
    }

    public NodeId peer() {
        return peer;
    }

    public Channel channel() {
        return channel;
    }

    /** True when this node dialled the connection. */
    public boolean outbound() {
        return outbound;
    }

    /** "host:port" the peer said it listens on, or "" if none. */
    public String listenAddress() {
        return listenAddress;
    }

    public Admission.Role role() {
        return role;
    }

    /**
     * A joiner whose join was sealed becomes a full member on the same connection: no new session,
     * so the log says "peer promoted to member" once instead of a peer down and up. {@code how}
     * ends that line (e.g. "joined in block #12").
     */
    public void promote(String how) {
        promotedFromJoin = true;
        role = Admission.Role.MEMBER;
        java.util.function.BiConsumer<PeerSession, String> hook = onPromoted;
        if (hook != null) {
            hook.accept(this, how);
        }
    }

    /** True when this session began as a join and became a member session on the same connection. */
    public boolean promotedFromJoin() {
        return promotedFromJoin;
    }

    private volatile boolean promotedFromJoin;

    /** Set by the network that established the session: it announces the promoted member. */
    void onPromoted(java.util.function.BiConsumer<PeerSession, String> hook) {
        onPromoted = hook;
    }

    /** "ip:port" of the other end of the TCP connection. */
    public String remoteAddress() {
        if (channel.remoteAddress() instanceof java.net.InetSocketAddress a) {
            return NetAddresses.join(
                    a.getAddress() != null ? a.getAddress().getHostAddress() : a.getHostString(), a.getPort());
        }
        return String.valueOf(channel.remoteAddress());
    }

    public boolean isMember() {
        return role == Admission.Role.MEMBER;
    }

    public ChannelFuture send(Envelope envelope) {
        return channel.writeAndFlush(envelope);
    }

    /** Queues {@code envelope} without flushing, for a batch that ends with {@link #flush()}. */
    public void write(Envelope envelope) {
        channel.write(envelope);
    }

    public void flush() {
        channel.flush();
    }

    /** Whether the connection is still open. */
    public boolean isOpen() {
        return channel.isActive();
    }

    /** Chunk frames to this peer. */
    public ChunkWire chunks() {
        return chunks;
    }

    /** Records why this node is closing the session (the first reason wins). */
    void closing(String why) {
        if (closeReason == null) {
            closeReason = why;
        }
    }

    /** Why the session ended, as the "peer down" line says it. */
    String downReason() {
        String why = closeReason;
        return why == null ? "closed by the peer or the network" : why;
    }

    public void close(String why) {
        closing(why);
        if (channel.isActive()) {
            channel.writeAndFlush(Envelopes.error(ErrorCode.NOT_ALLOWED, why));
        }
        channel.close();
    }

    public AtomicLong bytesIn() {
        return bytesIn;
    }

    public AtomicLong bytesOut() {
        return bytesOut;
    }

    @Override
    public String toString() {
        return peer.shortId() + (outbound ? "->" : "<-") + remoteAddress();
    }
}

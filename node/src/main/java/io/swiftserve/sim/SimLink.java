package io.swiftserve.sim;

import io.swiftserve.net.ChunkFrame;
import io.swiftserve.net.ChunkWire;
import io.swiftserve.net.Fabric;
import io.swiftserve.net.Link;
import io.swiftserve.net.PeerSession;
import io.swiftserve.proto.Envelope;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.function.Consumer;

/**
 * One end of a simulated connection. Messages cross the sender's uplink and the receiver's downlink
 * ({@link Port}) after the latency, in order; the receiving node's real network code gets them as it
 * would from its pipeline. Water marks as the daemon's channels have (4 and 16 MiB).
 */
final class SimLink implements Link, ChunkWire {
    private static final long HIGH_WATER = 16L << 20;
    private static final long LOW_WATER = 4L << 20;
    /**
     * What crosses a port as one piece: a TCP sender's segmentation offload hands the link bursts of
     * up to 64 KiB. Smaller pieces model TCP a little more closely and cost events.
     */
    static final long SEGMENT = 64 << 10;

    private final SimNet net;
    private final SimNet.Host self;
    private final SimNet.Host remote;
    private final SimExecutor loop;
    private final Fabric.Endpoint endpoint;
    SimLink peer;
    PeerSession session;
    private boolean open = true;
    private long queued;
    private boolean writable = true;
    private Runnable writabilityListener;
    private final List<Runnable> onClose = new ArrayList<>();

    SimLink(SimNet net, SimNet.Host self, SimNet.Host remote, SimExecutor loop, Fabric.Endpoint endpoint) {
        this.net = net;
        this.self = self;
        this.remote = remote;
        this.loop = loop;
        this.endpoint = endpoint;
    }

    @Override
    public CompletableFuture<Void> send(Envelope envelope) {
        int size = envelope.getSerializedSize() + 4;
        if (open) {
            net.controlBytes += size;
        }
        return transmit(size, () -> peer.endpoint.received(peer.session, envelope));
    }

    private CompletableFuture<Void> transmit(long bytes, Runnable deliver) {
        CompletableFuture<Void> sent = new CompletableFuture<>();
        if (!open) {
            sent.completeExceptionally(new IOException("connection closed"));
            return sent;
        }
        return cross(bytes, deliver, sent);
    }

    /**
     * Through this host's uplink, the latency, the peer's downlink; in order with everything sent
     * before. A large message crosses in pieces of SEGMENT, so the downlink takes its first bytes while the
     * uplink still sends the rest, as TCP's packets do: whole-message store and forward would leave
     * a downlink idle while a chunk crossed the uplink, and flows would move in lockstep bursts.
     */
    private CompletableFuture<Void> cross(long bytes, Runnable deliver, CompletableFuture<Void> sent) {
        queued += bytes;
        updateWritability();
        long segments = Math.max(1, (bytes + SEGMENT - 1) / SEGMENT);
        for (long k = 0; k < segments; k++) {
            boolean last = k == segments - 1;
            long part = last ? bytes - (segments - 1) * SEGMENT : SEGMENT;
            self.up.enqueue(this, new Port.Passage(part, () -> {
                if (last) {
                    queued -= bytes;
                    updateWritability();
                    sent.complete(null);
                }
                net.scheduler.after(
                        net.latencyNanos,
                        () -> remote.down.enqueue(peer, new Port.Passage(part, () -> {
                            if (last && peer.open) {
                                net.delivered(self, remote, bytes);
                                deliver.run();
                            }
                        })));
            }));
        }
        return sent;
    }

    private void updateWritability() {
        boolean now = writable ? queued < HIGH_WATER : queued < LOW_WATER;
        if (now != writable) {
            writable = now;
            if (writabilityListener != null) {
                loop.execute(writabilityListener);
            }
        }
    }

    boolean crossesGroups() {
        return self.group != remote.group;
    }

    @Override
    public void write(Envelope envelope) {
        send(envelope);
    }

    @Override
    public void flush() {}

    @Override
    public boolean isOpen() {
        return open;
    }

    @Override
    public void close() {
        if (!open) {
            return;
        }
        closed();
        // as TCP's FIN: behind what was written before, so a refusal's last words still arrive
        cross(1, peer::closed, new CompletableFuture<>());
    }

    /** This end is closed, by this node or (a latency later) by the other. */
    private void closed() {
        if (!open) {
            return;
        }
        open = false;
        loop.execute(() -> endpoint.closed(session));
        onClose.forEach(loop::execute);
        onClose.clear();
    }

    @Override
    public void onClose(Runnable action) {
        if (open) {
            onClose.add(action);
        } else {
            loop.execute(action);
        }
    }

    @Override
    public void execute(Runnable task) {
        loop.execute(task);
    }

    @Override
    public String remoteAddress() {
        return remote.ip + ":" + SimFabric.PORT;
    }

    @Override
    public ChunkWire chunks() {
        return this;
    }

    @Override
    public boolean writable() {
        return open && writable;
    }

    @Override
    public void onWritabilityChanged(Runnable listener) {
        writabilityListener = listener;
    }

    @Override
    public void writeChunk(
            byte[] fileId, int index, FileChannel file, long offset, int length, Consumer<Throwable> onFailure)
            throws IOException {
        // the bytes stay on disk: a token stands for them, the wire is charged their length
        file.close();
        ByteBuffer token = net.token(fileId, index);
        if (open) {
            net.dataBytes += length;
        }
        transmit(length + SimNet.CHUNK_OVERHEAD, () -> {
                    net.deliveredChunk(self, remote, index);
                    peer.endpoint.receivedChunk(peer.session, ChunkFrame.of(fileId, index, token));
                })
                .whenComplete((v, e) -> {
                    if (e != null) {
                        onFailure.accept(e);
                    }
                });
    }

    @Override
    public CompletableFuture<Void> sendChunk(byte[] fileId, int index, byte[] data, int length) {
        ByteBuffer copy = ByteBuffer.wrap(java.util.Arrays.copyOf(data, length));
        if (open) {
            net.dataBytes += length;
        }
        return transmit(
                length + SimNet.CHUNK_OVERHEAD,
                () -> peer.endpoint.receivedChunk(peer.session, ChunkFrame.of(fileId, index, copy.duplicate())));
    }
}

package io.swiftserve.tools;

import com.google.protobuf.ByteString;
import io.swiftserve.chain.Hash;
import io.swiftserve.identity.NodeKey;
import io.swiftserve.net.Wire;
import io.swiftserve.proto.Envelope;
import io.swiftserve.proto.HaveBitmap;
import io.swiftserve.proto.HaveChunks;
import io.swiftserve.proto.Pong;
import io.swiftserve.proto.RequestChunk;
import java.io.BufferedInputStream;
import java.io.BufferedOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.util.List;
import java.util.SplittableRandom;
import java.util.concurrent.atomic.LongAdder;

/**
 * One member of the simulated fleet on one real connection (TLS and the member handshake as a node
 * does them): a downloader that, for a version picked at random, announces a bitmap holding
 * nothing, asks for one of its chunks and, once the chunk arrives, announces it with HaveChunks. It
 * keeps {@code window} requests in flight, so the daemon, not the round trip, sets the pace. One
 * thread both writes and reads: the writes are small and the daemon always reads, so it cannot
 * block on us while we block on it.
 */
final class LoadPeer implements Runnable {
    /** What every peer adds to; read by {@link LoadGen} at the edges of the measured window. */
    static final class Counters {
        final LongAdder haves = new LongAdder();
        /** Chunks received and their bytes, counted together so a window's two figures always agree. */
        final Received received = new Received();

        final LongAdder rejects = new LongAdder();
        final LongAdder announcedComplete = new LongAdder();
        final LongAdder connected = new LongAdder();
        final LongAdder failed = new LongAdder();
        /**
         * Handshakes in progress at once: 64 cold JDK TLS handshakes at once on two cores took
         * longer than the node's 10 s handshake limit; a fleet does not connect in one instant either.
         */
        final java.util.concurrent.Semaphore connecting = new java.util.concurrent.Semaphore(4);
        /** Set once the run is over; the peers then close their connections. */
        volatile boolean stop;
    }

    /** Chunks and bytes received so far: two adders read one after the other could split a chunk between windows. */
    static final class Received {
        private long chunks;
        private long bytes;

        synchronized void add(long length) {
            chunks++;
            bytes += length;
        }

        /** {chunks, bytes}, both as of one moment. */
        synchronized long[] snapshot() {
            return new long[] {chunks, bytes};
        }
    }

    private record Ask(Hash fileId, int index) {}

    private final String host;
    private final int port;
    private final String localAddress;
    private final NodeKey key;
    private final Hash network;
    private final List<FleetPlan.FileVersion> files;
    private final int window;
    private final Counters counters;
    private final SplittableRandom random;
    /** Requests not answered yet (a refusal can overtake queued chunks, so not a queue). */
    private final java.util.Map<Ask, Integer> inFlight = new java.util.HashMap<>();

    private int pending;
    private volatile String failure;

    LoadPeer(
            String host,
            int port,
            String localAddress,
            NodeKey key,
            FleetPlan plan,
            int window,
            Counters counters,
            long seed) {
        this.host = host;
        this.port = port;
        this.localAddress = localAddress;
        this.key = key;
        this.network = plan.network();
        this.files = plan.files();
        this.window = window;
        this.counters = counters;
        this.random = new SplittableRandom(seed);
    }

    /** Why the peer stopped early, or null. */
    String failure() {
        return failure;
    }

    @Override
    public void run() {
        Socket plain = new Socket();
        try {
            // several source addresses: a node takes at most 16 connections from one address
            TlsSockets.Wrapped tls;
            FrameReader in;
            OutputStream out;
            counters.connecting.acquire();
            try {
                plain.bind(new InetSocketAddress(localAddress, 0));
                plain.setTcpNoDelay(true);
                plain.connect(new InetSocketAddress(host, port), 5_000);
                plain.setSoTimeout(Wire.HANDSHAKE_TIMEOUT_MS);
                tls = TlsSockets.wrap(plain, host, port);
                in = new FrameReader(new BufferedInputStream(tls.socket().getInputStream(), 256 << 10));
                out = new BufferedOutputStream(tls.socket().getOutputStream(), 64 << 10);
                MemberHandshake.run(in, out, tls.binding(), key, network);
            } finally {
                counters.connecting.release();
            }
            counters.connected.increment();
            // the daemon sends a Ping after 15 s without writing; a short timeout lets us notice the deadline
            tls.socket().setSoTimeout(200);
            loop(in, out);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } catch (IOException | FrameReader.BadFrameException | RuntimeException e) {
            if (!counters.stop) {
                failure = e.getMessage() == null ? e.toString() : e.getMessage();
                counters.failed.increment();
            }
        } finally {
            try {
                plain.close();
            } catch (IOException ignored) {
                // closing at the end of the run
            }
        }
    }

    private void loop(FrameReader in, OutputStream out) throws IOException, FrameReader.BadFrameException {
        while (!counters.stop) {
            if (pending < window) {
                while (pending < window) {
                    ask(out);
                }
                out.flush();
            }
            Envelope m;
            try {
                m = in.next();
            } catch (java.net.SocketTimeoutException e) {
                continue;
            }
            if (m == null) {
                throw new IOException("the daemon closed the connection");
            }
            switch (m.getBodyCase()) {
                case CHUNK_DATA -> {
                    Ask ask = answered(
                            m.getChunkData().getFileId(), m.getChunkData().getIndex());
                    if (m.getChunkData().getData().isEmpty()) {
                        throw new IOException("empty chunk " + ask.index() + " of " + ask.fileId());
                    }
                    counters.received.add(m.getChunkData().getData().size());
                    send(
                            out,
                            Envelope.newBuilder()
                                    .setHaveChunks(HaveChunks.newBuilder()
                                            .setFileId(ByteString.copyFrom(
                                                    ask.fileId().bytes()))
                                            .addIndices(ask.index()))
                                    .build());
                    counters.haves.increment();
                }
                case CHUNK_REJECT -> {
                    answered(m.getChunkReject().getFileId(), m.getChunkReject().getIndex());
                    counters.rejects.increment();
                }
                case HAVE_COMPLETE ->
                    counters.announcedComplete.add(m.getHaveComplete().getFileIdsCount());
                case PING -> {
                    send(
                            out,
                            Envelope.newBuilder()
                                    .setPong(Pong.newBuilder()
                                            .setNonce(m.getPing().getNonce()))
                                    .build());
                    out.flush();
                }
                default -> {
                    // chain status, peer lists, pongs: a downloader has nothing to do with them here
                }
            }
        }
    }

    /** An answer to something never asked is a daemon bug worth stopping for. */
    private Ask answered(ByteString fileId, int index) throws IOException {
        Ask ask = new Ask(Hash.of(fileId.toByteArray()), index);
        Integer n = inFlight.get(ask);
        if (n == null) {
            throw new IOException("an answer for chunk " + index + " of " + ask.fileId() + ", never requested");
        }
        if (n == 1) {
            inFlight.remove(ask);
        } else {
            inFlight.put(ask, n - 1);
        }
        pending--;
        return ask;
    }

    private void ask(OutputStream out) throws IOException {
        FleetPlan.FileVersion f = files.get(random.nextInt(files.size()));
        int index = random.nextInt(f.chunks());
        ByteString id = ByteString.copyFrom(f.fileId().bytes());
        send(
                out,
                Envelope.newBuilder()
                        .setHaveBitmap(HaveBitmap.newBuilder()
                                .setFileId(id)
                                .setChunks(f.chunks())
                                .setBitmap(ByteString.copyFrom(new byte[(f.chunks() + 7) / 8])))
                        .build());
        counters.haves.increment();
        send(
                out,
                Envelope.newBuilder()
                        .setRequestChunk(RequestChunk.newBuilder().setFileId(id).setIndex(index))
                        .build());
        inFlight.merge(new Ask(f.fileId(), index), 1, Integer::sum);
        pending++;
    }

    private static void send(OutputStream out, Envelope m) throws IOException {
        out.write(Frames.frame(m));
    }
}

package io.swiftserve.hostile;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.google.protobuf.ByteString;
import io.swiftserve.chain.Block;
import io.swiftserve.chain.Hash;
import io.swiftserve.cluster.LogCapture;
import io.swiftserve.cluster.NodeFiles;
import io.swiftserve.cluster.TestCluster;
import io.swiftserve.cluster.TestFiles;
import io.swiftserve.daemon.Node;
import io.swiftserve.identity.NodeKey;
import io.swiftserve.net.ConnectionGuard;
import io.swiftserve.proto.Envelope;
import io.swiftserve.proto.HaveBitmap;
import io.swiftserve.proto.Hello;
import io.swiftserve.proto.Ping;
import io.swiftserve.proto.RequestChunk;
import java.nio.ByteBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.TestMethodOrder;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * A live node (real sockets, real RocksDB) under abuse: thousands of random, truncated,
 * oversized-length and wrong-type frames over many connections, before and after the handshake; slow
 * clients; a connection flood; chunk requests it cannot serve. Throughout, the node keeps serving its
 * honest member, which afterwards still syncs a new block and fetches a file.
 */
@Timeout(value = 240, unit = TimeUnit.SECONDS)
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class WireAbuseTest {
    private static final long SEED = Long.getLong("fuzz.seed", System.nanoTime());

    @TempDir
    static Path dir;

    private TestCluster cluster;
    private Node target;
    private Node honest;
    /** Keys of members whose node is stopped: a raw client can hold a member session with them. */
    private NodeKey fuzzKey;

    private NodeKey stallKey;
    private NodeKey trickleKey;
    private RawPeer stalledMember;
    private RawPeer tricklingMember;
    private Thread trickler;
    private NodeKey nonReaderKey;
    private RawPeer nonReadingMember;
    private Thread nonReaderPings;
    private long stallStartNanos;

    @BeforeAll
    void setUp() throws Exception {
        cluster = TestCluster.converged(dir.resolve("cluster"), 5);
        target = cluster.node(0);
        List<Node> joined = cluster.joiners();
        honest = joined.get(0);
        fuzzKey = joined.get(1).key();
        stallKey = joined.get(2).key();
        trickleKey = joined.get(3).key();
        nonReaderKey = joined.get(4).key();
        cluster.stop(5);
        cluster.stop(4);
        cluster.stop(3);
        cluster.stop(2);
        // a member that sends half a frame after its handshake and then nothing: checked in the last tests
        stalledMember = RawPeer.connect(target.port());
        assertThat(stalledMember
                        .handshake(stallKey, target.chain().networkId(), null)
                        .hasAuth())
                .isTrue();
        byte[] half = RawPeer.frame(
                Envelope.newBuilder().setPing(Ping.newBuilder().setNonce(1)).build());
        stalledMember.sendRaw(java.util.Arrays.copyOf(half, half.length - 2));
        // a member that starts a 16 KiB frame and then sends one byte a second (4.5 hours to finish it);
        // small enough that the node reads every byte as it comes (no receive low-water mark)
        tricklingMember = RawPeer.connect(target.port());
        assertThat(tricklingMember
                        .handshake(trickleKey, target.chain().networkId(), null)
                        .hasAuth())
                .isTrue();
        tricklingMember.sendRaw(ByteBuffer.allocate(4).putInt(16 << 10).array());
        trickler = every(1_000, "trickler", () -> tricklingMember.sendRaw(new byte[] {0x0a}));
        // a member that asks for 24 MiB, never reads a byte of it, and pings every 5 s so it is never silent
        Path big = dir.resolve("unread.bin");
        TestFiles.writeRandom(big, 24L * TestFiles.MIB, 7);
        Hash unread = NodeFiles.add(target, "unread.bin", big);
        // add returns once the block is sealed; the transfer service takes the file in just after
        NodeFiles.awaitComplete(List.of(target), unread, java.time.Duration.ofSeconds(30));
        int chunks = target.chain().state().file("unread.bin").orElseThrow().chunkCount();
        nonReadingMember = RawPeer.connect(target.port());
        assertThat(nonReadingMember
                        .handshake(nonReaderKey, target.chain().networkId(), null)
                        .hasAuth())
                .isTrue();
        nonReadingMember.stopReading();
        for (int i = 0; i < chunks; i++) {
            nonReadingMember.send(Envelope.newBuilder()
                    .setRequestChunk(RequestChunk.newBuilder()
                            .setFileId(ByteString.copyFrom(unread.bytes()))
                            .setIndex(i))
                    .build());
        }
        Envelope ping =
                Envelope.newBuilder().setPing(Ping.newBuilder().setNonce(5)).build();
        nonReaderPings = every(5_000, "non-reader-pings", () -> nonReadingMember.send(ping));
        stallStartNanos = System.nanoTime();
    }

    /** A thread that calls {@code send} every {@code millis} ms until it returns false (the node closed the connection). */
    private static Thread every(long millis, String name, java.util.function.BooleanSupplier send) {
        Thread t = new Thread(
                () -> {
                    try {
                        while (send.getAsBoolean()) {
                            Thread.sleep(millis);
                        }
                    } catch (InterruptedException e) {
                        Thread.currentThread().interrupt();
                    }
                },
                name);
        t.setDaemon(true);
        t.start();
        return t;
    }

    @AfterAll
    void tearDown() {
        for (Thread t : new Thread[] {trickler, nonReaderPings}) {
            if (t != null) {
                t.interrupt();
            }
        }
        for (RawPeer p : new RawPeer[] {stalledMember, tricklingMember, nonReadingMember}) {
            if (p != null) {
                p.close();
            }
        }
        if (cluster != null) {
            cluster.close();
        }
    }

    @Test
    @Order(1)
    void tenThousandHostileFramesThenAMemberStillSyncsAndTransfers() throws Exception {
        Random r = new Random(SEED);
        System.out.println("[WireAbuseTest] seed " + SEED + " (replay: -Dfuzz.seed=" + SEED + ")");
        int pre = 0, preConnections = 0, sampled = 0, sampledClosed = 0;
        int post = 0, postConnections = 0, pongs = 0;
        long t0 = System.nanoTime();
        try (AutoCloseable quiet = LogCapture.quiet(
                ConnectionGuard.class,
                Class.forName("io.swiftserve.net.HandshakeHandler"),
                io.swiftserve.net.MessageRouter.class,
                io.swiftserve.gossip.ChainGossip.class,
                Class.forName("io.swiftserve.transfer.Swarm"),
                io.swiftserve.gossip.JoinService.class,
                io.swiftserve.gossip.PeerExchange.class,
                Class.forName("io.swiftserve.net.ConnectionLimiter"))) {
            // 1) before the handshake, from 127.0.0.3 (the per-address cap must not hit the honest member)
            while (pre < 6_000) {
                try (RawPeer p = RawPeer.connect("127.0.0.1", target.port(), "127.0.0.3")) {
                    preConnections++;
                    int mode = r.nextInt(5);
                    boolean expectClose = true;
                    switch (mode) {
                        case 0 -> { // unframed random bytes
                            byte[] b = new byte[1 + r.nextInt(300)];
                            r.nextBytes(b);
                            p.sendRaw(b);
                            pre++;
                            expectClose = false; // may just look like the start of a long frame
                        }
                        case 1 -> { // framed random bodies
                            for (int i = 0, n = 1 + r.nextInt(5); i < n; i++) {
                                byte[] b = new byte[r.nextInt(200)];
                                r.nextBytes(b);
                                p.sendRaw(RawPeer.frame(b));
                                pre++;
                            }
                            expectClose = false; // an empty or accidentally valid body is possible
                        }
                        case 2 -> { // length prefix over the 16 MiB + 4 KiB maximum
                            p.sendRaw(ByteBuffer.allocate(8)
                                    .putInt((16 << 20) + 4097 + r.nextInt(1 << 30))
                                    .putInt(r.nextInt())
                                    .array());
                            pre++;
                        }
                        case 3 -> { // valid frames of the wrong type for this stage (not Hello/Auth/Ping)
                            Envelope e;
                            do {
                                e = RandomEnvelopes.any(r, 1 << 20);
                            } while (e.hasHello() || e.hasAuth() || e.hasPing() || e.hasChunkData() || e.hasError());
                            p.send(e);
                            pre++;
                        }
                        default -> { // a Hello cut short, then silence
                            byte[] f = RawPeer.frame(Envelope.newBuilder()
                                    .setHello(Hello.newBuilder()
                                            .setMagic(0x53575356)
                                            .setNetworkId(ByteString.copyFrom(new byte[32])))
                                    .build());
                            p.sendRaw(java.util.Arrays.copyOf(f, 1 + r.nextInt(f.length - 1)));
                            pre++;
                            expectClose = false; // closed only by the 10 s handshake deadline
                        }
                    }
                    if (expectClose && preConnections % 25 == 0) {
                        sampled++;
                        if (p.awaitClosed(Duration.ofSeconds(5))) {
                            sampledClosed++;
                        }
                        assertThat(p.received)
                                .as("what a pre-handshake abuser got back")
                                .allMatch(e -> e.hasError() || e.hasPong());
                    }
                }
            }
            // 2) after the handshake, as a member: random messages of every type, reconnecting when closed
            RawPeer member = null;
            while (post < 5_000) {
                if (member == null || member.closedByPeer()) {
                    if (member != null) {
                        member.close();
                    }
                    member = RawPeer.connect(target.port());
                    Envelope answer = member.handshake(fuzzKey, target.chain().networkId(), null);
                    assertThat(answer)
                            .as("member handshake after %d fuzzed frames", post)
                            .isNotNull();
                    assertThat(answer.hasAuth())
                            .as("member admitted: %s", answer)
                            .isTrue();
                    postConnections++;
                }
                Envelope e = RandomEnvelopes.any(r, 1 << 20);
                // Hello/Auth after the handshake and a bogus JoinRequest end the session by design: keep them rare
                if ((e.hasHello() || e.hasAuth() || e.hasJoinRequest()) && r.nextInt(20) != 0) {
                    continue;
                }
                if (!member.send(e)) {
                    member.close();
                    member = null;
                    continue;
                }
                post++;
                if (post % 500 == 0 && !member.closedByPeer()) {
                    long nonce = r.nextLong();
                    member.send(Envelope.newBuilder()
                            .setPing(Ping.newBuilder().setNonce(nonce))
                            .build());
                    if (member.poll(m -> m.hasPong() && m.getPong().getNonce() == nonce, Duration.ofSeconds(10))
                            != null) {
                        pongs++;
                    }
                }
            }
            member.close();
            // a fresh member session right after the storm is answered at once
            try (RawPeer check = RawPeer.connect(target.port())) {
                assertThat(check.handshake(fuzzKey, target.chain().networkId(), null)
                                .hasAuth())
                        .isTrue();
                check.send(Envelope.newBuilder()
                        .setPing(Ping.newBuilder().setNonce(77))
                        .build());
                if (check.poll(m -> m.hasPong() && m.getPong().getNonce() == 77, Duration.ofSeconds(10)) != null) {
                    pongs++;
                }
            }
        }
        double secs = (System.nanoTime() - t0) / 1e9;
        int total = pre + post;
        System.out.printf(
                "[WireAbuseTest] frames tried: %d in %.1f s (before the handshake %d over %d connections, "
                        + "%d of %d sampled garbage connections closed by the node; as a member %d over %d sessions, "
                        + "%d Pongs to in-between Pings)%n",
                total, secs, pre, preConnections, sampledClosed, sampled, post, postConnections, pongs);
        assertThat(total).isGreaterThanOrEqualTo(10_000);
        assertThat(sampledClosed)
                .as("garbage and wrong-type connections closed")
                .isEqualTo(sampled);
        assertThat(pongs).as("the node kept answering the fuzzing member").isPositive();

        // 3) the honest member is still connected, syncs a new block and fetches a file
        Path source = dir.resolve("after-abuse.bin");
        String sha = TestFiles.writeRandom(source, 3L * TestFiles.MIB + 12345, 11);
        Hash id = NodeFiles.add(target, "after/abuse.bin", source);
        NodeFiles.awaitComplete(List.of(honest), id, Duration.ofSeconds(60));
        cluster.awaitSameHead();
        assertThat(TestFiles.sha256(NodeFiles.shared(honest, "after/abuse.bin")))
                .isEqualTo(sha);
        System.out.printf(
                "[WireAbuseTest] node still serving: yes (honest member at height %d, file of %d bytes fetched, same SHA-256)%n",
                honest.chain().height(), Files.size(source));
    }

    @Test
    @Order(2)
    void slowHandshakesAreClosedAtTheDeadline() throws Exception {
        List<RawPeer> slow = new ArrayList<>();
        long start = System.nanoTime();
        slow.add(RawPeer.connect(target.port())); // silent
        RawPeer helloOnly = RawPeer.connect(target.port());
        helloOnly.send(Envelope.newBuilder()
                .setHello(Hello.newBuilder()
                        .setMagic(0x53575356)
                        .setProtocolVersion(io.swiftserve.net.Wire.PROTOCOL_VERSION)
                        .setNetworkId(
                                ByteString.copyFrom(target.chain().networkId().bytes()))
                        .setNodeKey(ByteString.copyFrom(NodeKey.generate().id().bytes()))
                        .setNonce(ByteString.copyFrom(new byte[32])))
                .build());
        slow.add(helloOnly); // Hello, never Auth
        RawPeer half = RawPeer.connect(target.port());
        half.sendRaw(new byte[] {0, 0, 1, 0, 8, 1, 2});
        slow.add(half); // half a frame, then silence
        String[] names = {"silent", "Hello but no Auth", "half a frame"};
        for (int i = 0; i < slow.size(); i++) {
            RawPeer p = slow.get(i);
            assertThat(p.awaitClosed(Duration.ofSeconds(20)))
                    .as("%s connection closed", names[i])
                    .isTrue();
            double after = (p.closedAtNanos() - start) / 1e9;
            System.out.printf("[WireAbuseTest] %s connection closed by the node after %.1f s%n", names[i], after);
            assertThat(after).as("closed at the 10 s deadline").isBetween(9.0, 15.0);
            p.close();
        }
    }

    @Test
    @Order(3)
    void aConnectionFloodIsCappedPerAddressAndInTotal() throws Exception {
        List<RawPeer> flood = new ArrayList<>();
        try {
            for (int i = 0; i < 30; i++) {
                // plain TCP: the caps act on connections, before any TLS (a refused one gets no handshake)
                flood.add(RawPeer.connectCleartext("127.0.0.1", target.port(), "127.0.0.6"));
            }
            await().atMost(Duration.ofSeconds(5))
                    .until(() -> flood.stream().filter(RawPeer::closedByPeer).count() >= 14);
            Thread.sleep(300);
            long closed = flood.stream().filter(RawPeer::closedByPeer).count();
            System.out.printf(
                    "[WireAbuseTest] flood from one address: 30 connections, %d closed at once, %d kept (cap 16)%n",
                    closed, 30 - closed);
            assertThat(30 - closed).isEqualTo(16);
            flood.forEach(RawPeer::close);
            flood.clear();
            // many addresses: 16 each from 36 addresses = 576 > 512 in total
            for (int a = 1; a <= 36; a++) {
                for (int i = 0; i < 16; i++) {
                    flood.add(RawPeer.connectCleartext("127.0.0.1", target.port(), "127.0.2." + a));
                }
            }
            int existing = target.network().sessions().size();
            await().atMost(Duration.ofSeconds(5))
                    .until(() -> flood.stream().filter(RawPeer::closedByPeer).count() >= 576 - 512);
            Thread.sleep(300);
            long open = flood.stream().filter(p -> !p.closedByPeer()).count();
            System.out.printf(
                    "[WireAbuseTest] flood from 36 addresses: 576 connections, %d kept open (cap 512 in total, %d peer sessions)%n",
                    open, existing);
            assertThat(open + existing).isLessThanOrEqualTo(512);
            assertThat(open).isGreaterThan(400);
        } finally {
            flood.forEach(RawPeer::close);
        }
        // the honest member was never cut off
        await().atMost(Duration.ofSeconds(15))
                .until(() ->
                        TestCluster.memberSessions(target).contains(honest.key().id()));
    }

    @Test
    @Order(4)
    void unservableChunkRequestsGetChunkRejectNotACrash() throws Exception {
        Block phantom = cluster.sealFileAdd(target, "phantom/nobody-has-it.bin", 3L * TestFiles.MIB);
        Hash phantomId = phantom.transactions().get(0).id();
        cluster.awaitSameHead();
        Path source = dir.resolve("held.bin");
        TestFiles.writeRandom(source, TestFiles.MIB, 5);
        Hash held = NodeFiles.add(target, "held.bin", source);
        int heldChunks =
                io.swiftserve.transfer.ChunkLayout.forSize(TestFiles.MIB).chunkCount();
        byte[] unknown = new byte[32];
        new Random(SEED).nextBytes(unknown);
        try (RawPeer member = RawPeer.connect(target.port())) {
            assertThat(member.handshake(fuzzKey, target.chain().networkId(), null)
                            .hasAuth())
                    .isTrue();
            Object[][] cases = {
                {unknown, 0, "unknown file version"},
                {new byte[5], 0, "unknown file version"},
                {held.bytes(), heldChunks, "chunk index out of range"},
                {held.bytes(), -1, "chunk index out of range"},
                {held.bytes(), Integer.MAX_VALUE, "chunk index out of range"},
                {phantomId.bytes(), 0, "chunk not held"},
                {phantomId.bytes(), 11, "chunk not held"},
            };
            int rejects = 0;
            for (Object[] c : cases) {
                member.send(Envelope.newBuilder()
                        .setRequestChunk(RequestChunk.newBuilder()
                                .setFileId(ByteString.copyFrom((byte[]) c[0]))
                                .setIndex((int) c[1]))
                        .build());
                Envelope reply = member.poll(e -> e.hasChunkReject() || e.hasChunkData(), Duration.ofSeconds(10));
                assertThat(reply).as("answer to request %s", c[2]).isNotNull();
                assertThat(reply.hasChunkReject())
                        .as("ChunkReject for %s", c[2])
                        .isTrue();
                assertThat(reply.getChunkReject().getReason()).isEqualTo(c[2]);
                assertThat(reply.getChunkReject().getIndex()).isEqualTo((int) c[1]);
                rejects++;
            }
            // and a held chunk is still served on the same session
            member.send(Envelope.newBuilder()
                    .setRequestChunk(RequestChunk.newBuilder()
                            .setFileId(ByteString.copyFrom(held.bytes()))
                            .setIndex(2))
                    .build());
            Envelope data = member.poll(e -> e.hasChunkData() || e.hasChunkReject(), Duration.ofSeconds(10));
            assertThat(data).isNotNull();
            assertThat(data.hasChunkData()).as("held chunk served: %s", data).isTrue();
            System.out.printf(
                    "[WireAbuseTest] unservable chunk requests: %d sent, %d ChunkReject with the right reason, session kept, "
                            + "held chunk still served%n",
                    cases.length, rejects);
        }
    }

    /**
     * A member announcing a bitmap for an unknown file version with a huge chunk count makes the node
     * allocate and keep ceil(chunks/64) longs per message: 256 MiB for chunks = 2^31-1, kept in the
     * swarm view for good. The ledger allows at most 65,536 chunks per file.
     */
    @Test
    @Order(5)
    void hugeBitmapsForUnknownFilesAreNotKept() throws Exception {
        Runtime rt = Runtime.getRuntime();
        System.gc();
        long before = rt.totalMemory() - rt.freeMemory();
        try (RawPeer member = RawPeer.connect(target.port())) {
            assertThat(member.handshake(fuzzKey, target.chain().networkId(), null)
                            .hasAuth())
                    .isTrue();
            Random r = new Random(SEED);
            for (int i = 0; i < 3; i++) {
                byte[] id = new byte[32];
                r.nextBytes(id);
                member.send(Envelope.newBuilder()
                        .setHaveBitmap(HaveBitmap.newBuilder()
                                .setFileId(ByteString.copyFrom(id))
                                .setChunks(Integer.MAX_VALUE))
                        .build());
            }
            member.send(
                    Envelope.newBuilder().setPing(Ping.newBuilder().setNonce(9)).build());
            assertThat(member.poll(Envelope.BodyCase.PONG, Duration.ofSeconds(10)))
                    .isNotNull();
            Thread.sleep(2_000); // the transfer thread handles bitmaps
            System.gc();
            long after = rt.totalMemory() - rt.freeMemory();
            System.out.printf("[WireAbuseTest] heap held after 3 huge bitmaps: %d MiB more%n", (after - before) >> 20);
            assertThat(after - before)
                    .as("heap kept for 3 bitmaps of unknown files")
                    .isLessThan(128L << 20);
        }
    }

    // The three members below were started in setUp, so their 60 s run concurrently.

    @Test
    @Order(6)
    void aMemberThatSendsHalfAFrameAndStallsIsClosed() throws Exception {
        assertSessionClosedWithin(stallKey, 80, "member session stalled mid-frame");
    }

    @Test
    @Order(7)
    void aMemberThatTricklesAFrameByteByByteIsClosed() throws Exception {
        // a byte a second keeps the socket busy, but no frame ever completes
        assertSessionClosedWithin(trickleKey, 80, "member trickling a frame at 1 byte/s");
    }

    @Test
    @Order(8)
    void aMemberThatSendsButNeverReadsIsClosed() throws Exception {
        // its Pings keep the idle timer quiet, while the chunks it asked for fill every buffer
        assertSessionClosedWithin(nonReaderKey, 100, "member that pings but never reads (24 MiB asked for)");
    }

    private void assertSessionClosedWithin(NodeKey member, int seconds, String what) throws InterruptedException {
        long deadline = stallStartNanos + seconds * 1_000_000_000L;
        boolean closed;
        while (!(closed = target.network().session(member.id()).isEmpty()) && System.nanoTime() < deadline) {
            Thread.sleep(200);
        }
        double after = (System.nanoTime() - stallStartNanos) / 1e9;
        System.out.printf(
                "[WireAbuseTest] %s: session closed by the node: %s after %.1f s%n",
                what, closed ? "yes" : "NO", after);
        assertThat(closed).as("%s: session closed within %d s", what, seconds).isTrue();
    }
}

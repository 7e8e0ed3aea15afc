package io.swiftserve.hostile;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.google.protobuf.ByteString;
import io.swiftserve.chain.Block;
import io.swiftserve.chain.Hash;
import io.swiftserve.chain.Transaction;
import io.swiftserve.chain.Transactions;
import io.swiftserve.cluster.LogCapture;
import io.swiftserve.cluster.NodeFiles;
import io.swiftserve.cluster.TestCluster;
import io.swiftserve.cluster.TestFiles;
import io.swiftserve.daemon.Node;
import io.swiftserve.gossip.ChainGossip;
import io.swiftserve.identity.NodeKey;
import io.swiftserve.proto.ChunkReject;
import io.swiftserve.proto.Envelope;
import io.swiftserve.proto.HaveBitmap;
import io.swiftserve.proto.NewBlock;
import io.swiftserve.proto.NewTransaction;
import io.swiftserve.transfer.Downloads;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AutoClose;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * Members that misbehave in the swarm: serving corrupted chunks, claiming chunks they do not have,
 * announcing chunks and never sending them; and a file transaction that tries to escape the share
 * directory. The honest nodes end with the right bytes every time, within a bound.
 */
@Timeout(value = 180, unit = TimeUnit.SECONDS)
class TransferAttackTest {
    private static final Class<?> SWARM = cls("io.swiftserve.transfer.Swarm");

    @TempDir
    Path dir;

    @AutoClose
    private TestCluster cluster;

    private static Class<?> cls(String name) {
        try {
            return Class.forName(name);
        } catch (ClassNotFoundException e) {
            throw new AssertionError(e);
        }
    }

    @Test
    void corruptedChunksAreDetectedAndTheLiarIsDropped() throws Exception {
        cluster = TestCluster.converged(dir.resolve("cluster"), 1);
        Node seed = cluster.node(0);
        Node liar = cluster.node(1);
        Path source = dir.resolve("c.bin");
        String sha = TestFiles.writeRandom(source, 24L * TestFiles.MIB, 31);
        Hash id = NodeFiles.add(seed, "corrupt/c.bin", source);
        NodeFiles.awaitComplete(List.of(liar), id, Duration.ofSeconds(60));
        liar.transfer().corruptChunks(i -> i % 2 == 0); // from now on every even chunk it serves is random bytes
        cluster.stop(0); // the liar is the only source while the victim starts
        try (LogCapture swarm = LogCapture.of(SWARM)) {
            Node victim = cluster.joinWith(cluster.invite(1, Duration.ofMinutes(5)));
            await("the victim caught the liar")
                    .atMost(Duration.ofSeconds(60))
                    .pollInterval(Duration.ofMillis(20))
                    .until(() ->
                            Downloads.banned(victim, id).contains(liar.key().id()));
            long failedBeforeSeed = victim.transfer().stats().chunksFailed.get();
            int heldBeforeSeed = NodeFiles.have(victim, id);
            cluster.restart(0);
            NodeFiles.awaitComplete(List.of(victim), id, Duration.ofSeconds(60));
            long failed = victim.transfer().stats().chunksFailed.get();
            System.out.printf(
                    "[TransferAttackTest] corrupted chunks: %d failed verification on the victim (%d verified from the liar "
                            + "before the ban), liar banned: %s, completed from the returning seed with the right SHA-256: %s%n",
                    failed,
                    heldBeforeSeed,
                    Downloads.banned(victim, id).contains(liar.key().id()) ? "yes" : "no",
                    TestFiles.sha256(NodeFiles.shared(victim, "corrupt/c.bin")).equals(sha) ? "yes" : "NO");
            assertThat(failedBeforeSeed).isPositive();
            assertThat(TestFiles.sha256(NodeFiles.shared(victim, "corrupt/c.bin")))
                    .isEqualTo(sha);
            assertThat(Downloads.banned(victim, id)).containsExactly(liar.key().id());
            assertThat(swarm.containing("failed verification"))
                    .isNotEmpty()
                    .allMatch(l -> l.contains(liar.key().id().shortId()));
        }
    }

    /** A raw member that claims every chunk of every file; it answers requests with ChunkReject (liar) or not at all (staller). */
    private static Thread claimer(RawPeer p, boolean reject, AtomicInteger requests, AtomicBoolean stop) {
        Thread t = new Thread(
                () -> {
                    try {
                        while (!stop.get()) {
                            Envelope e = p.poll(x -> x.hasHaveBitmap() || x.hasRequestChunk(), Duration.ofMillis(100));
                            if (e == null) {
                                continue;
                            }
                            if (e.hasHaveBitmap()) {
                                int chunks = e.getHaveBitmap().getChunks();
                                byte[] all = new byte[(chunks + 7) / 8];
                                for (int i = 0; i < chunks; i++) {
                                    all[i >> 3] |= (byte) (1 << (i & 7));
                                }
                                p.send(Envelope.newBuilder()
                                        .setHaveBitmap(HaveBitmap.newBuilder()
                                                .setFileId(e.getHaveBitmap().getFileId())
                                                .setChunks(chunks)
                                                .setBitmap(ByteString.copyFrom(all)))
                                        .build());
                            } else {
                                requests.incrementAndGet();
                                if (reject) {
                                    p.send(Envelope.newBuilder()
                                            .setChunkReject(ChunkReject.newBuilder()
                                                    .setFileId(
                                                            e.getRequestChunk().getFileId())
                                                    .setIndex(
                                                            e.getRequestChunk().getIndex())
                                                    .setReason("not held"))
                                            .build());
                                }
                            }
                        }
                    } catch (InterruptedException ignored) {
                        Thread.currentThread().interrupt();
                    }
                },
                reject ? "liar" : "staller");
        t.setDaemon(true);
        t.start();
        return t;
    }

    @Test
    void aBitmapLiarAndAStallerCannotStopADownload() throws Exception {
        cluster = TestCluster.converged(dir.resolve("cluster"), 3);
        Node seed = cluster.node(0);
        List<Node> joined = cluster.joiners();
        Node victim = joined.get(0);
        NodeKey liarKey = joined.get(1).key();
        NodeKey stallerKey = joined.get(2).key();
        cluster.stop(3);
        cluster.stop(2);
        Hash net = seed.chain().networkId();
        AtomicInteger liarRequests = new AtomicInteger();
        AtomicInteger stallerRequests = new AtomicInteger();
        AtomicBoolean stop = new AtomicBoolean();
        try (LogCapture swarm = LogCapture.of(SWARM);
                RawPeer liar = RawPeer.connect(victim.port());
                RawPeer staller = RawPeer.connect(victim.port())) {
            assertThat(liar.handshake(liarKey, net, null).hasAuth()).isTrue();
            assertThat(staller.handshake(stallerKey, net, null).hasAuth()).isTrue();
            claimer(liar, true, liarRequests, stop);
            claimer(staller, false, stallerRequests, stop);
            Path source = dir.resolve("l.bin");
            String sha = TestFiles.writeRandom(source, 48L * TestFiles.MIB, 41);
            long t0 = System.nanoTime();
            Hash id = NodeFiles.add(seed, "lies/l.bin", source);
            NodeFiles.awaitComplete(List.of(victim), id, Duration.ofSeconds(60));
            double secs = (System.nanoTime() - t0) / 1e9;
            stop.set(true);
            int chunks = victim.chain().state().file("lies/l.bin").orElseThrow().chunkCount();
            List<String> refusedLines = swarm.containing("not asking it for this file");
            List<String> timedOut = swarm.containing("timed out; asking elsewhere");
            System.out.printf(
                    "[TransferAttackTest] bitmap liar: %d requests answered with ChunkReject, banned: %s; staller: %d requests "
                            + "never answered, %d timed out and re-requested elsewhere; %d chunks complete in %.1f s with the right SHA-256: %s%n",
                    liarRequests.get(),
                    Downloads.banned(victim, id).contains(liarKey.id()) ? "yes" : "no",
                    stallerRequests.get(),
                    timedOut.size(),
                    chunks,
                    secs,
                    TestFiles.sha256(NodeFiles.shared(victim, "lies/l.bin")).equals(sha) ? "yes" : "NO");
            assertThat(TestFiles.sha256(NodeFiles.shared(victim, "lies/l.bin"))).isEqualTo(sha);
            assertThat(secs).as("completion bound despite the staller").isLessThan(30);
            if (liarRequests.get() > 0) {
                // a refusal bans for a few seconds only, so the log, not the current ban list, is the record
                assertThat(refusedLines).anyMatch(l -> l.contains(liarKey.id().shortId()));
            }
            assertThat(Downloads.banned(victim, id)).doesNotContain(seed.key().id());
            assertThat(liarRequests.get() + stallerRequests.get())
                    .as("the fake holders were asked at all")
                    .isPositive();
        } finally {
            stop.set(true);
        }
    }

    @Test
    void pathTraversalInAFileTransactionIsRefused() throws Exception {
        Clock clock = Clock.systemUTC();
        cluster = TestCluster.converged(dir.resolve("cluster"), 2);
        Node node = cluster.node(0);
        NodeKey attacker = cluster.node(2).key();
        cluster.stop(2);
        Hash net = node.chain().networkId();
        Hash head = node.chain().head().hash();
        String[] paths = {
            "../escape.bin",
            "a/../../escape.bin",
            "/etc/swiftserve-owned",
            "..",
            "a/./b",
            "C:\\evil",
            "a\\..\\b",
            "ok/\u0000nul",
            ".swiftserve/x",
            "a//b",
            ""
        };
        int refused = 0;
        try (LogCapture log = LogCapture.debug(ChainGossip.class);
                RawPeer member = RawPeer.connect(node.port())) {
            assertThat(member.handshake(attacker, net, null).hasAuth()).isTrue();
            Transactions txs = new Transactions(attacker, net, clock);
            for (String path : paths) {
                Transaction tx = txs.fileAdd(path, 10, 256 * 1024, new byte[32], 1);
                int before = log.containing("refused").size()
                        + log.containing("rejected").size();
                member.send(Envelope.newBuilder()
                        .setNewTransaction(NewTransaction.newBuilder().setTransaction(tx.toProto()))
                        .build());
                Block b = Block.seal(attacker, net, node.chain().height() + 1, head, clock.millis(), List.of(tx));
                member.send(Envelope.newBuilder()
                        .setNewBlock(NewBlock.newBuilder().setBlock(b.toProto()))
                        .build());
                await(path + " refused")
                        .atMost(Duration.ofSeconds(10))
                        .pollInterval(Duration.ofMillis(20))
                        .until(() -> log.containing("refused").size()
                                        + log.containing("rejected").size()
                                >= before + 2);
                List<String> lines = log.lines();
                System.out.printf(
                        "[TransferAttackTest] path %-24s -> %s%n",
                        "'" + path.replace("\u0000", "\\0") + "'", lines.get(lines.size() - 1));
                assertThat(node.chain().head().hash()).isEqualTo(head);
                refused++;
            }
        }
        // and through the admin API the same names are refused before any transaction exists
        Path src = dir.resolve("x.bin");
        Files.write(src, new byte[10]);
        int adminRefused = 0;
        for (String path : new String[] {"../escape.bin", "a/../../escape.bin", "/etc/swiftserve-owned"}) {
            try {
                NodeFiles.add(node, path, src);
            } catch (Exception e) {
                adminRefused++;
            }
        }
        assertThat(adminRefused).isEqualTo(3);
        assertThat(Files.exists(node.config().dataDir().resolve("escape.bin"))).isFalse();
        assertThat(Files.exists(node.config().dataDir().getParent().resolve("escape.bin")))
                .isFalse();
        assertThat(Files.exists(Path.of("/etc/swiftserve-owned"))).isFalse();
        assertThat(node.chain().state().files()).isEmpty();
        System.out.printf(
                "[TransferAttackTest] path traversal attacks refused: %d of %d over the wire (tx + block each), %d of 3 at the admin API%n",
                refused, paths.length, adminRefused);
    }
}

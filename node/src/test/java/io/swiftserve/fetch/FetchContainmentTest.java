package io.swiftserve.fetch;

import static io.swiftserve.cluster.TestFiles.MIB;
import static org.assertj.core.api.Assertions.assertThat;

import com.google.protobuf.ByteString;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.UnpooledByteBufAllocator;
import io.swiftserve.chain.Hash;
import io.swiftserve.cluster.InProcessCli;
import io.swiftserve.cluster.LogCapture;
import io.swiftserve.cluster.NodeFiles;
import io.swiftserve.cluster.TestCluster;
import io.swiftserve.cluster.TestFiles;
import io.swiftserve.daemon.Node;
import io.swiftserve.hostile.RawPeer;
import io.swiftserve.identity.NodeKey;
import io.swiftserve.net.ChunkFrames;
import io.swiftserve.proto.Envelope;
import io.swiftserve.proto.FetchAssign;
import io.swiftserve.proto.FetchFailed;
import io.swiftserve.transfer.ChunkLayout;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.stream.IntStream;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * A member with bad intent against {@code fetch}: it assigns helpers URLs of internal services
 * (loopback, link-local metadata, private ranges), points them at an origin that redirects there,
 * sends assignments far beyond what a fetch needs, and, as a helper, pushes chunks it was never
 * assigned. The honest nodes refuse with a reason, never contact the internal service, and publish
 * the right bytes. The cluster allows 127.0.0.2/32 (the stand-in public origin); the internal
 * service listens on 127.0.0.3, which nothing allows. The hostile member is a RawPeer holding the
 * key of a stopped member.
 */
@Timeout(value = 150, unit = TimeUnit.SECONDS)
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class FetchContainmentTest {
    private static final Duration ANSWER = Duration.ofSeconds(15);
    private static final SecureRandom RANDOM = new SecureRandom();

    @TempDir
    static Path dir;

    private TestCluster cluster;
    private NodeKey hostile;
    private TestOrigin internal;

    @BeforeAll
    void start() throws Exception {
        cluster = TestCluster.converged(dir.resolve("cluster"), 2, c -> c.withFetchAllow(TestOrigin.ALLOW));
        hostile = cluster.node(2).key();
        cluster.stop(2);
        internal = new TestOrigin(
                "internal secret: the metadata service's credentials".getBytes(StandardCharsets.UTF_8), "127.0.0.3");
    }

    @AfterAll
    void stop() {
        internal.close();
        cluster.close();
    }

    @Test
    void aMembersAssignmentOfAnInternalAddressIsRefusedAndNothingThereIsContacted() throws Exception {
        int port = Integer.parseInt(internal.url().replaceAll(".*:(\\d+)/.*", "$1"));
        String[][] targets = {
            {internal.url(), "loopback"},
            {"http://localhost:" + port + "/file.bin", "loopback"},
            {"http://[::ffff:127.0.0.3]:" + port + "/file.bin", "loopback"},
            {"http://[::1]:" + port + "/file.bin", "loopback"},
            {"http://0.0.0.0:" + port + "/file.bin", "unspecified"},
            {"http://169.254.169.254/latest/meta-data/iam/security-credentials/", "link-local"},
            {"http://10.20.30.40/backup.tar", "private"},
            {"http://192.168.1.1/config", "private"},
            {"http://100.64.0.1/x", "carrier-grade NAT"},
            {"http://[fd00::1]/x", "unique-local"},
            {"http://224.0.0.1/x", "multicast"}
        };
        try (RawPeer member = member()) {
            for (String[] t : targets) {
                FetchFailed f = refusal(member, assign(newId(), t[0], 1000, List.of(0)));
                System.out.printf("[FetchContainmentTest] member assigns %s -> FetchFailed: %s%n", t[0], f.getReason());
                assertThat(f.getReason())
                        .as("reason for %s", t[0])
                        .contains(t[1])
                        .contains("--fetch-allow");
                assertThat(f.getFatal()).isFalse();
            }
        }
        assertThat(internal.requests.get())
                .as("requests that reached the internal service")
                .isZero();
    }

    @Test
    void anOriginThatRedirectsToAnInternalAddressIsRefusedAtTheRedirect() throws Exception {
        try (TestOrigin origin = new TestOrigin(TestFiles.randomBytes(MIB, 41))) {
            origin.redirectTo = internal.url();
            try (RawPeer member = member()) {
                FetchFailed f = refusal(member, assign(newId(), origin.url("/redirect"), MIB, List.of(0)));
                System.out.printf(
                        "[FetchContainmentTest] member assigns %s (302 to %s) -> FetchFailed: %s%n",
                        origin.url("/redirect"), internal.url(), f.getReason());
                assertThat(f.getReason()).contains("redirect").contains("loopback");
            }
            // the requester's own fetch: the operator typed a public URL, its redirect is checked all the same
            Node requester = cluster.node(0);
            String id = (String) requester
                    .fetch()
                    .fetch(origin.url("/redirect"), "contained/redirect.bin", null, 0)
                    .get("id");
            Map<String, Object> status = NodeFiles.awaitFetchFinished(requester, id);
            System.out.printf(
                    "[FetchContainmentTest] requester fetches %s -> %s: %s%n",
                    origin.url("/redirect"), status.get("state"), status.get("error"));
            assertThat(status.get("state")).isEqualTo("failed");
            assertThat((String) status.get("error")).contains("redirect").contains("loopback");
        }
        assertThat(internal.requests.get())
                .as("requests that reached the internal service")
                .isZero();
    }

    @Test
    void anAllowListedOriginIsFetchedAndItsChunksDelivered() throws Exception {
        byte[] content = TestFiles.randomBytes(MIB, 42);
        try (TestOrigin origin = new TestOrigin(content);
                RawPeer member = member()) {
            byte[] id = newId();
            member.send(assign(id, origin.url(), content.length, List.of(1, 2)));
            for (int i = 1; i <= 2; i++) {
                int index = i;
                Envelope e = member.poll(
                        m -> m.hasChunkData()
                                && m.getChunkData().getIndex() == index
                                && Arrays.equals(m.getChunkData().getFileId().toByteArray(), id),
                        ANSWER);
                assertThat(e).as("chunk %d from the helper", index).isNotNull();
                ChunkLayout l = ChunkLayout.forSize(content.length);
                assertThat(e.getChunkData().getData().toByteArray())
                        .isEqualTo(Arrays.copyOfRange(
                                content, (int) l.offset(index), (int) l.offset(index) + l.length(index)));
            }
            System.out.printf(
                    "[FetchContainmentTest] member assigns %s (allow-listed 127.0.0.2/32) -> chunks 1 and 2 delivered%n",
                    origin.url());
        }
    }

    @Test
    void assignmentsBeyondWhatAFetchNeedsAreRefusedBeforeAnyFileOrRequest() throws Exception {
        try (TestOrigin origin = new TestOrigin(TestFiles.randomBytes(MIB, 43));
                RawPeer member = member()) {
            long tib = 1L << 40;
            Object[][] cases = {
                {
                    "2 TiB in 16 MiB chunks (131,072 chunks)",
                    assign(newId(), origin.url(), 2 * tib, 16 * MIB, List.of(0)),
                    "chunks"
                },
                {
                    "1 GiB in 16 MiB chunks (not the layout fetch uses)",
                    assign(newId(), origin.url(), 1L << 30, 16 * MIB, List.of(0)),
                    "layout"
                },
                {
                    "every chunk of 1 GiB queued at once",
                    assign(
                            newId(),
                            origin.url(),
                            1L << 30,
                            ChunkLayout.forSize(1L << 30).chunkSize(),
                            IntStream.range(0, ChunkLayout.forSize(1L << 30).chunkCount())
                                    .boxed()
                                    .toList()),
                    "queue"
                },
                {
                    "an index out of range",
                    assign(
                            newId(),
                            origin.url(),
                            MIB,
                            List.of(ChunkLayout.forSize(MIB).chunkCount())),
                    "index"
                }
            };
            for (Object[] c : cases) {
                Envelope e = (Envelope) c[1];
                FetchFailed f = refusal(member, e);
                System.out.printf("[FetchContainmentTest] member assigns %s -> FetchFailed: %s%n", c[0], f.getReason());
                assertThat(f.getReason()).as("%s", c[0]).contains((String) c[2]);
                String hex =
                        Hash.of(e.getFetchAssign().getFetchId().toByteArray()).toString();
                assertThat(helperFiles(cluster.node(0)))
                        .as("helper files after %s", c[0])
                        .noneMatch(p -> p.contains(hex));
            }
            // a stream of valid assignments of a slow download: one requester gets a bounded number of tasks
            // (a task whose download fails before it holds a chunk frees its slot at once, so they must stay busy)
            origin.bytesPerSecond = 16 * 1024;
            for (int i = 0; i < 2 * FetchService.MAX_TASKS_PER_REQUESTER; i++) {
                FetchFailed f = refusal(
                        member, assign(newId(), "http://localhost:" + origin.port() + "/file.bin", MIB, List.of(0)));
                assertThat(f.getReason()).contains("loopback");
            }
            int accepted = 0;
            FetchFailed busy = null;
            for (int i = 0; i < 64 && busy == null; i++) {
                byte[] id = newId();
                member.send(assign(id, origin.url(), MIB, List.of(0)));
                Envelope answer = member.poll(
                        m -> m.hasFetchFailed()
                                && Arrays.equals(m.getFetchFailed().getFetchId().toByteArray(), id),
                        Duration.ofMillis(300));
                if (answer != null && answer.getFetchFailed().getReason().contains("tasks")) {
                    busy = answer.getFetchFailed();
                } else {
                    accepted++;
                }
            }
            System.out.printf(
                    "[FetchContainmentTest] member sends one assignment after another: %d accepted, then FetchFailed: %s%n",
                    accepted, busy == null ? "none" : busy.getReason());
            assertThat(busy)
                    .as("a refusal once the per-requester task limit is reached")
                    .isNotNull();
            assertThat(accepted)
                    .as("tasks accepted after %d refused by name lookup", 2 * FetchService.MAX_TASKS_PER_REQUESTER)
                    .isEqualTo(FetchService.MAX_TASKS_PER_REQUESTER);
        }
    }

    @Test
    void chunksFromAHelperThatWasNotAssignedThemAreDroppedAndTheFetchStillCompletes() throws Exception {
        byte[] content = TestFiles.randomBytes(8 * MIB, 44);
        String sha = TestFiles.sha256(content);
        Node requester = cluster.node(0);
        try (TestOrigin origin = new TestOrigin(content);
                RawPeer member = member();
                LogCapture log = LogCapture.of(FetchJob.class)) {
            origin.bytesPerSecond = 2L * MIB;
            String id = (String) requester
                    .fetch()
                    .fetch(origin.url(), "contained/pushed.bin", null, -1)
                    .get("id");
            Envelope first = member.poll(Envelope::hasFetchAssign, ANSWER);
            assertThat(first).as("the hostile member was enlisted").isNotNull();
            FetchAssign a = first.getFetchAssign();
            ChunkLayout layout = ChunkLayout.of(a.getSize(), a.getChunkSize());
            List<Integer> mine = a.getIndicesList();
            List<Integer> pushed = new ArrayList<>();
            byte[] junk = new byte[layout.chunkSize()];
            Arrays.fill(junk, (byte) 0x41);
            for (int i = 0; i < layout.chunkCount(); i++) {
                if (!mine.contains(i)) {
                    ByteBuf frame = ChunkFrames.chunk(
                            UnpooledByteBufAllocator.DEFAULT, a.getFetchId().toByteArray(), i, junk, layout.length(i));
                    byte[] bytes = new byte[frame.readableBytes()];
                    frame.readBytes(bytes).release();
                    member.sendRaw(bytes);
                    pushed.add(i);
                }
            }
            member.send(Envelope.newBuilder()
                    .setFetchFailed(FetchFailed.newBuilder()
                            .setFetchId(a.getFetchId())
                            .addAllIndices(mine)
                            .setReason("the hostile helper gives up"))
                    .build());
            Map<String, Object> status = NodeFiles.awaitFetchFinished(requester, id);
            System.out.printf(
                    "[FetchContainmentTest] hostile helper pushed %d chunks of junk it was not assigned (assigned: %s); fetch %s, "
                            + "sha256 %s (origin %s); requester log: %s%n",
                    pushed.size(),
                    mine,
                    status.get("state"),
                    status.get("sha256"),
                    sha,
                    log.containing("not assigned"));
            assertThat(status.get("state")).as("%s", status).isEqualTo("done");
            assertThat(status.get("sha256")).isEqualTo(sha);
            assertThat(log.containing("not assigned")).hasSize(1);
            // counted only while the index is still open: one the requester finished meanwhile is just ignored
            assertThat(((Number) status.get("unassignedChunksDropped")).intValue())
                    .isBetween(1, pushed.size());
            NodeFiles.awaitComplete(
                    cluster.running(), Hash.parse((String) status.get("fileId")), Duration.ofSeconds(60));
            assertThat(TestFiles.sha256(NodeFiles.shared(requester, "contained/pushed.bin")))
                    .isEqualTo(sha);
        }
    }

    @Test
    void withoutSha256TheCliSaysOnStderrWhatItTrusts() throws Exception {
        byte[] content = TestFiles.randomBytes(2 * MIB, 45);
        try (TestOrigin origin = new TestOrigin(content)) {
            InProcessCli.Result r = InProcessCli.run(
                    "fetch",
                    "--data",
                    cluster.dataDir(0).toString(),
                    origin.url(),
                    "--as",
                    "contained/plain.bin",
                    "--json");
            System.out.printf(
                    "[FetchContainmentTest] fetch without --sha256, stderr: %s%n",
                    r.err().trim());
            assertThat(r.exitCode()).as("stderr: %s", r.err()).isZero();
            assertThat(r.errLines())
                    .singleElement()
                    .asString()
                    .startsWith("without --sha256 the file is trusted as far as");
            // stdout holds the JSON only (in-process it also catches the nodes' log lines, which go to stdout)
            assertThat(r.out()).contains("\"state\"").doesNotContain("without --sha256");
            InProcessCli.Result checked = InProcessCli.run(
                    "fetch",
                    "--data",
                    cluster.dataDir(0).toString(),
                    origin.url(),
                    "--as",
                    "contained/checked.bin",
                    "--sha256",
                    TestFiles.sha256(content));
            assertThat(checked.exitCode()).isZero();
            assertThat(checked.err()).doesNotContain("trusted");
        }
    }

    // ------------------------------------------------------------------ helpers

    private RawPeer member() throws Exception {
        RawPeer p = RawPeer.connect(cluster.node(0).port());
        assertThat(p.handshake(hostile, cluster.node(0).chain().networkId(), null)
                        .hasAuth())
                .as("member handshake")
                .isTrue();
        return p;
    }

    private static byte[] newId() {
        byte[] id = new byte[32];
        RANDOM.nextBytes(id);
        return id;
    }

    private static Envelope assign(byte[] id, String url, long size, List<Integer> indices) {
        return assign(id, url, size, ChunkLayout.forSize(size).chunkSize(), indices);
    }

    private static Envelope assign(byte[] id, String url, long size, int chunkSize, List<Integer> indices) {
        return Envelope.newBuilder()
                .setFetchAssign(FetchAssign.newBuilder()
                        .setFetchId(ByteString.copyFrom(id))
                        .setUrl(url)
                        .setSize(size)
                        .setChunkSize(chunkSize)
                        .addAllIndices(indices))
                .build();
    }

    /** Sends {@code assign} and returns the helper's FetchFailed for it; fails if chunks come instead or nothing within the bound. */
    private static FetchFailed refusal(RawPeer member, Envelope assign) throws InterruptedException {
        ByteString id = assign.getFetchAssign().getFetchId();
        member.send(assign);
        Envelope e = member.poll(
                m -> (m.hasFetchFailed() && m.getFetchFailed().getFetchId().equals(id))
                        || (m.hasChunkData() && m.getChunkData().getFileId().equals(id)),
                ANSWER);
        assertThat(e)
                .as("an answer to the assignment of %s", assign.getFetchAssign().getUrl())
                .isNotNull();
        assertThat(e.hasChunkData())
                .as(
                        "the helper sent data fetched from %s",
                        assign.getFetchAssign().getUrl())
                .isFalse();
        return e.getFetchFailed();
    }

    private static List<String> helperFiles(Node n) throws Exception {
        try (Stream<Path> files = Files.list(n.config().dataDir().resolve("partial"))) {
            return files.map(p -> p.getFileName().toString())
                    .filter(s -> s.endsWith(".helper"))
                    .toList();
        }
    }
}

package io.swiftserve.fetch;

import static io.swiftserve.cluster.NodeFiles.awaitComplete;
import static io.swiftserve.cluster.NodeFiles.awaitFetchFinished;
import static io.swiftserve.cluster.NodeFiles.fetch;
import static io.swiftserve.cluster.NodeFiles.shared;
import static io.swiftserve.cluster.TestFiles.MIB;
import static io.swiftserve.cluster.TestFiles.randomBytes;
import static io.swiftserve.cluster.TestFiles.sha256;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.swiftserve.chain.Hash;
import io.swiftserve.cluster.InProcessCli;
import io.swiftserve.cluster.TestCluster;
import io.swiftserve.daemon.Node;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
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
 * {@code swiftserve fetch} on a real 4-node cluster against an in-test origin that limits every
 * connection's rate: many members download one URL faster than one connection can, the file reaches
 * every node, a helper killed mid-fetch does not stop it, and every origin failure ends with a clear
 * reason and nothing published. One cluster for the class; the test that kills a node runs last.
 */
@Timeout(value = 90, unit = TimeUnit.SECONDS)
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class FetchClusterTest {
    private static final Duration ARRIVE = Duration.ofSeconds(60);

    @TempDir
    static Path dir;

    private TestCluster cluster;

    @BeforeAll
    void fourNodes() {
        // helpers may fetch from the test origin's loopback address (standing in for a public origin), nothing else
        cluster = TestCluster.converged(dir.resolve("cluster"), 3, c -> c.withFetchAllow(TestOrigin.ALLOW));
    }

    @AfterAll
    void tearDown() {
        cluster.close();
    }

    @Test
    @Order(1)
    void fourMembersFetch32MiBMuchFasterThanOneConnectionAndEveryNodeGetsIt() throws Exception {
        byte[] content = randomBytes(32 * MIB, 1);
        String sha = sha256(content);
        long perConnection = 2L * MIB;
        try (TestOrigin origin = new TestOrigin(content)) {
            origin.bytesPerSecond = perConnection;
            long t0 = System.nanoTime();
            InProcessCli.Result r = InProcessCli.run(
                    "fetch",
                    "--data",
                    cluster.dataDir(0).toString(),
                    origin.url(),
                    "--as",
                    "fetched/big.bin",
                    "--sha256",
                    sha);
            double seconds = (System.nanoTime() - t0) / 1e9;
            assertThat(r.exitCode()).as("exit code; stderr: %s", r.err()).isZero();
            assertThat(r.out())
                    .contains("fetched " + origin.url() + " as fetched/big.bin v1")
                    .contains(sha);

            Map<String, Object> status = last(cluster.node(0));
            double single = (double) content.length / perConnection;
            System.out.printf(
                    "[FetchClusterTest] 32 MiB from an origin limited to %d MiB/s per connection: fetch by 4 members "
                            + "took %.2f s (CLI, including verify + publish), download %.2f s, verify + publish %.2f s; one connection alone needs %.1f s: "
                            + "speedup %.2fx (ideal 4x); %d origin connections; chunks per member: %s%n",
                    perConnection / MIB,
                    seconds,
                    (double) status.get("seconds"),
                    (double) status.get("publishSeconds"),
                    single,
                    single / seconds,
                    origin.perConnection.size(),
                    chunksPerMember(status));
            double fetchSeconds = (double) status.get("seconds") + (double) status.get("publishSeconds");
            assertThat(fetchSeconds)
                    .as("download + verify + publish vs one connection alone (%.1f s)", single)
                    .isLessThan(single * 0.6);
            assertThat(seconds)
                    .as("the whole CLI command vs one connection alone (%.1f s)", single)
                    .isLessThan(single * 0.75);
            List<Map<String, Object>> helpers = helpers(status);
            assertThat(helpers).hasSize(4);
            assertThat(helpers)
                    .allSatisfy(h -> assertThat((int) h.get("chunks")).isPositive());

            Hash id = Hash.parse((String) status.get("fileId"));
            awaitComplete(cluster.running(), id, ARRIVE);
            for (Node n : cluster.running()) {
                assertThat(sha256(shared(n, "fetched/big.bin"))).isEqualTo(sha);
            }
            long adopted = Stream.of(1, 2, 3)
                    .mapToLong(i -> cluster.node(i).fetch().chunksAdopted())
                    .sum();
            System.out.printf(
                    "[FetchClusterTest] the swarm started warm: the helpers took %d of their fetched chunks into the "
                            + "published version%n",
                    adopted);
            assertThat(adopted).isPositive();
            awaitNoFetchFiles();
        }
    }

    @Test
    @Order(2)
    void anOriginWithoutRangeSupportIsDownloadedByTheRequesterAlone() throws Exception {
        byte[] content = randomBytes(3 * MIB + 12345, 2);
        try (TestOrigin origin = new TestOrigin(content)) {
            origin.ranges = false;
            Map<String, Object> status = fetch(cluster.node(0), origin.url(), "fetched/norange.bin", sha256(content));
            assertThat(status.get("state")).as("status %s", status).isEqualTo("done");
            assertThat(status.get("ranges")).isEqualTo(false);
            assertThat(helpers(status)).singleElement().satisfies(h -> {
                assertThat(h.get("self")).isEqualTo(true);
                assertThat(h.get("chunks")).isEqualTo(status.get("chunks"));
            });
            awaitComplete(cluster.running(), Hash.parse((String) status.get("fileId")), ARRIVE);
            for (Node n : cluster.running()) {
                assertThat(sha256(shared(n, "fetched/norange.bin"))).isEqualTo(sha256(content));
            }
        }
    }

    @Test
    @Order(3)
    void anOrigin404EndsWithAClearMessageAndNothingPublished() throws Exception {
        try (TestOrigin origin = new TestOrigin(new byte[10])) {
            InProcessCli.Result r =
                    InProcessCli.run("fetch", "--data", cluster.dataDir(0).toString(), origin.url("/missing.bin"));
            assertThat(r.exitCode()).isEqualTo(1);
            assertThat(r.errLines())
                    .singleElement()
                    .asString()
                    .contains("HTTP 404")
                    .contains("/missing.bin");
            assertThat(cluster.node(0).chain().state().file("missing.bin")).isEmpty();
        }
        InProcessCli.Result bad =
                InProcessCli.run("fetch", "--data", cluster.dataDir(0).toString(), "file:///etc/passwd");
        assertThat(bad.exitCode()).isEqualTo(2);
        assertThat(bad.err()).contains("only http:// and https://");
    }

    @Test
    @Order(4)
    void wrongContentInOneRangeIsCaughtBySha256AndNothingIsPublished() throws Exception {
        byte[] content = randomBytes(8 * MIB, 4);
        try (TestOrigin origin = new TestOrigin(content)) {
            origin.corruptAt = 5L * 256 * 1024 + 123;
            Map<String, Object> status = fetch(cluster.node(0), origin.url(), "fetched/corrupt.bin", sha256(content));
            assertThat(status.get("state")).isEqualTo("failed");
            assertThat((String) status.get("error"))
                    .startsWith("SHA-256 mismatch: expected " + sha256(content))
                    .contains("nothing was published");
            Thread.sleep(300);
            for (Node n : cluster.running()) {
                assertThat(n.chain().state().file("fetched/corrupt.bin")).isEmpty();
            }
            awaitNoFetchFiles();
        }
    }

    @Test
    @Order(5)
    void aFileThatChangesSizeMidDownloadFailsTheFetch() throws Exception {
        byte[] content = randomBytes(8 * MIB, 5);
        try (TestOrigin origin = new TestOrigin(content)) {
            origin.bytesPerSecond = 8L * MIB;
            origin.replacement = java.util.Arrays.copyOf(content, 7 * MIB);
            origin.swapAfter = 3;
            Map<String, Object> status = fetch(cluster.node(0), origin.url(), "fetched/changing.bin", null);
            assertThat(status.get("state")).isEqualTo("failed");
            assertThat((String) status.get("error")).contains("changed size");
            assertThat(cluster.node(0).chain().state().file("fetched/changing.bin"))
                    .isEmpty();
            awaitNoFetchFiles();
        }
    }

    @Test
    @Order(6)
    void twoUrlsFetchedAtTheSameTimeBothArrive() throws Exception {
        byte[] a = randomBytes(4 * MIB + 1, 6);
        byte[] b = randomBytes(5 * MIB - 1, 7);
        try (TestOrigin oa = new TestOrigin(a);
                TestOrigin ob = new TestOrigin(b)) {
            oa.bytesPerSecond = 4L * MIB;
            ob.bytesPerSecond = 4L * MIB;
            String ia = (String) cluster.node(0)
                    .fetch()
                    .fetch(oa.url(), "fetched/a.bin", sha256(a), -1)
                    .get("id");
            String ib = (String) cluster.node(1)
                    .fetch()
                    .fetch(ob.url(), "fetched/b.bin", sha256(b), -1)
                    .get("id");
            Map<String, Object> sa = awaitFetchFinished(cluster.node(0), ia);
            Map<String, Object> sb = awaitFetchFinished(cluster.node(1), ib);
            assertThat(sa.get("state")).as("%s", sa).isEqualTo("done");
            assertThat(sb.get("state")).as("%s", sb).isEqualTo("done");
            awaitComplete(cluster.running(), Hash.parse((String) sa.get("fileId")), ARRIVE);
            awaitComplete(cluster.running(), Hash.parse((String) sb.get("fileId")), ARRIVE);
            for (Node n : cluster.running()) {
                assertThat(sha256(shared(n, "fetched/a.bin"))).isEqualTo(sha256(a));
                assertThat(sha256(shared(n, "fetched/b.bin"))).isEqualTo(sha256(b));
            }
        }
    }

    @Test
    @Order(100)
    void aHelperKilledMidFetchHasItsChunksReassignedAndTheFetchCompletes() throws Exception {
        byte[] content = randomBytes(24 * MIB, 8);
        String sha = sha256(content);
        Node victim = cluster.node(3);
        String victimId = victim.key().id().toString();
        try (TestOrigin origin = new TestOrigin(content)) {
            origin.bytesPerSecond = 2L * MIB;
            Node requester = cluster.node(0);
            String id = (String) requester
                    .fetch()
                    .fetch(origin.url(), "fetched/survivor.bin", sha, -1)
                    .get("id");
            await("the victim delivered chunks")
                    .atMost(Duration.ofSeconds(20))
                    .pollInterval(Duration.ofMillis(20))
                    .until(() -> helpers(requester.fetch().status(id).orElseThrow()).stream()
                            .anyMatch(h -> h.get("node").equals(victimId) && (int) h.get("chunks") >= 2));
            Map<String, Object> before = requester.fetch().status(id).orElseThrow();
            cluster.stop(3);
            Map<String, Object> status = awaitFetchFinished(requester, id);
            System.out.printf(
                    "[FetchClusterTest] helper %s killed at %s of %s chunks; the fetch finished in %.2f s; chunks per "
                            + "member: %s%n",
                    victimId.substring(0, 12),
                    before.get("done"),
                    before.get("chunks"),
                    (double) status.get("seconds"),
                    chunksPerMember(status));
            assertThat(status.get("state")).as("%s", status).isEqualTo("done");
            assertThat(helpers(status))
                    .filteredOn(h -> h.get("node").equals(victimId))
                    .singleElement()
                    .satisfies(h -> assertThat(h.get("state")).isEqualTo("gone"));
            awaitComplete(cluster.running(), Hash.parse((String) status.get("fileId")), ARRIVE);
            for (Node n : cluster.running()) {
                assertThat(sha256(shared(n, "fetched/survivor.bin"))).isEqualTo(sha);
            }
        }
    }

    // ------------------------------------------------------------------ helpers

    private static Map<String, Object> last(Node node) {
        List<Map<String, Object>> all = node.fetch().list();
        return all.get(all.size() - 1);
    }

    @SuppressWarnings("unchecked")
    private static List<Map<String, Object>> helpers(Map<String, Object> status) {
        return (List<Map<String, Object>>) status.get("helpers");
    }

    private static String chunksPerMember(Map<String, Object> status) {
        StringBuilder sb = new StringBuilder();
        for (Map<String, Object> h : helpers(status)) {
            sb.append((boolean) h.get("self") ? "requester" : ((String) h.get("node")).substring(0, 8))
                    .append('=')
                    .append(h.get("chunks"))
                    .append(h.get("state").equals("active") ? "" : "(" + h.get("state") + ")")
                    .append(' ');
        }
        return sb.toString().trim();
    }

    /** Requesters and helpers leave no partial/fetch-* files behind. */
    private void awaitNoFetchFiles() {
        await("no fetch-* files left")
                .atMost(Duration.ofSeconds(10))
                .pollInterval(Duration.ofMillis(50))
                .until(() -> {
                    for (Node n : cluster.running()) {
                        try (Stream<Path> files =
                                Files.list(n.config().dataDir().resolve("partial"))) {
                            if (files.anyMatch(p -> p.getFileName().toString().startsWith("fetch-"))) {
                                return false;
                            }
                        }
                    }
                    return true;
                });
    }
}

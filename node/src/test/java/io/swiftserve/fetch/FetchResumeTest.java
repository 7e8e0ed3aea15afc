package io.swiftserve.fetch;

import static io.swiftserve.cluster.TestFiles.MIB;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.swiftserve.chain.Hash;
import io.swiftserve.cluster.NodeFiles;
import io.swiftserve.cluster.TestCluster;
import io.swiftserve.cluster.TestFiles;
import io.swiftserve.daemon.Node;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.junit.jupiter.api.AutoClose;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * A fetch whose requester stops part-way keeps what it downloaded: running the same fetch after the
 * restart takes only the missing chunks from the origin. It does so only while the origin announces
 * the same ETag; a changed file is fetched from the start.
 */
@Timeout(value = 120, unit = TimeUnit.SECONDS)
class FetchResumeTest {
    private static final String PATH = "fetched/resumed.bin";

    @TempDir
    Path dir;

    @AutoClose
    private TestCluster cluster;

    @Test
    void theSameFetchAfterARestartTakesOnlyTheMissingChunksFromTheOrigin() throws Exception {
        byte[] content = TestFiles.randomBytes(16 * MIB, 21);
        String sha = TestFiles.sha256(content);
        try (TestOrigin origin = new TestOrigin(content)) {
            origin.etag = "\"v1\"";
            int[] kept = stopPartWay(origin, sha);

            origin.bytesPerSecond = Long.MAX_VALUE;
            long servedBefore = origin.bytesServed.get();
            origin.piecesServed.clear();
            Node requester = cluster.node(0);
            Map<String, Object> status = NodeFiles.fetch(requester, origin.url(), PATH, sha);
            long served = origin.bytesServed.get() - servedBefore;
            int chunks = (int) status.get("chunks");
            int resumed = (int) status.get("resumedChunks");
            int chunkSize = (int) status.get("chunkSize");
            java.util.BitSet touched = new java.util.BitSet();
            for (long[] piece : origin.piecesServed) {
                touched.set((int) (piece[0] / chunkSize), (int) ((piece[1] - 1) / chunkSize) + 1);
            }
            System.out.printf(
                    "[FetchResumeTest] stopped with %d of %d chunks done; the second run kept %d and took %,d bytes "
                            + "from the origin, from %d chunks, for the other %d%n",
                    kept[0], chunks, resumed, served, touched.cardinality(), chunks - resumed);
            assertThat(status.get("state")).as("%s", status).isEqualTo("done");
            assertThat(resumed)
                    .as("chunks kept from the first run")
                    .isGreaterThanOrEqualTo(kept[0])
                    .isLessThan(chunks);
            // exactly the missing chunks, however many times end-game duplicates between the two workers
            // (racing at full speed) took some of them: a kept chunk fetched again would make one more
            assertThat(touched.cardinality())
                    .as("chunks the origin served any byte of in the second run (its probe's one byte aside)")
                    .isEqualTo(chunks - resumed);
            NodeFiles.awaitComplete(
                    cluster.running(), Hash.parse((String) status.get("fileId")), Duration.ofSeconds(60));
            for (Node n : cluster.running()) {
                assertThat(TestFiles.sha256(NodeFiles.shared(n, PATH))).isEqualTo(sha);
            }
            assertThat(fetchFiles(requester))
                    .as("nothing kept once the fetch is done")
                    .isEmpty();
        }
    }

    @Test
    void aChangedETagMeansTheKeptChunksAreThrownAwayAndTheFileFetchedAgain() throws Exception {
        byte[] first = TestFiles.randomBytes(16 * MIB, 22);
        byte[] second = TestFiles.randomBytes(16 * MIB, 23);
        try (TestOrigin origin = new TestOrigin(first)) {
            origin.etag = "\"first\"";
            stopPartWay(origin, null);

            origin.content = second;
            origin.etag = "\"second\"";
            origin.bytesPerSecond = Long.MAX_VALUE;
            Map<String, Object> status = NodeFiles.fetch(cluster.node(0), origin.url(), PATH, null);
            assertThat(status.get("state")).as("%s", status).isEqualTo("done");
            assertThat(status.get("resumedChunks")).isEqualTo(0);
            assertThat(status.get("sha256")).isEqualTo(TestFiles.sha256(second));
        }
    }

    /** Starts the fetch slowly on node 0 of a new 2-node cluster and restarts node 0 part-way; returns {done at the stop}. */
    private int[] stopPartWay(TestOrigin origin, String sha) throws Exception {
        // helpers may fetch from the test origin's loopback address (standing in for a public origin), nothing else
        cluster = TestCluster.converged(dir.resolve("cluster"), 1, c -> c.withFetchAllow(TestOrigin.ALLOW));
        origin.bytesPerSecond = MIB;
        Node requester = cluster.node(0);
        String id =
                (String) requester.fetch().fetch(origin.url(), PATH, sha, -1).get("id");
        await("half downloaded and recorded")
                .atMost(Duration.ofSeconds(60))
                .pollInterval(Duration.ofMillis(50))
                .until(() -> (int) requester.fetch().status(id).orElseThrow().get("done") >= 32
                        && fetchFiles(requester).stream()
                                .anyMatch(p -> p.toString().endsWith(".resume")));
        int done = (int) requester.fetch().status(id).orElseThrow().get("done");
        cluster.stop(0);
        Node again = cluster.restart(0);
        cluster.awaitConverged();
        assertThat(fetchFiles(again))
                .as("the kept download and its record, after the restart")
                .hasSize(2);
        return new int[] {done};
    }

    private static List<Path> fetchFiles(Node node) throws IOException {
        try (Stream<Path> files = Files.list(node.config().dataDir().resolve("partial"))) {
            return files.filter(p -> p.getFileName().toString().startsWith(FetchResume.PREFIX))
                    .toList();
        }
    }
}

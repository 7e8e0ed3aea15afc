package io.swiftserve.faults;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import io.swiftserve.chain.FileEntry;
import io.swiftserve.chain.Hash;
import io.swiftserve.cluster.NodeFiles;
import io.swiftserve.cluster.TestCluster;
import io.swiftserve.cluster.TestFiles;
import io.swiftserve.daemon.Node;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.AutoClose;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * The only seed stops while its peers hold part of the file and the rest exists nowhere else; when
 * it comes back the peers finish, and they fetch only what they were missing: bytes received after
 * the seed left never exceed the missing chunks (plus a few end-game duplicates).
 */
@Timeout(value = 150, unit = TimeUnit.SECONDS)
class SeedDiesTest {
    private static final String PATH = "seed-dies/big.bin";

    @TempDir
    Path dir;

    @AutoClose
    private TestCluster cluster;

    @Test
    void peersFinishWhenTheSeedReturnsAndFetchNothingTwice() throws Exception {
        cluster = TestCluster.converged(dir.resolve("cluster"), 2);
        Node seed = cluster.node(0);
        List<Node> peers = cluster.joiners();
        Path source = dir.resolve("big.bin");
        String sha = TestFiles.writeRandom(source, 160L * TestFiles.MIB, 51);
        CompletableFuture<JsonNode> added = NodeFiles.addAsync(seed, PATH, source);
        Hash id = NodeFiles.awaitLedgerEntry(peers.get(0), PATH, added, Duration.ofSeconds(60));
        FileEntry entry = peers.get(0).chain().state().file(PATH).orElseThrow();
        int chunks = entry.chunkCount();
        await("some chunks on a peer")
                .atMost(Duration.ofSeconds(60))
                .pollInterval(Duration.ofMillis(2))
                .until(() -> peers.stream().anyMatch(p -> NodeFiles.have(p, id) >= chunks / 10));
        cluster.stop(0);
        added.handle((r, e) -> null).join();
        // let in-flight chunks land and the peers trade what they hold between them
        long[] held = {-1};
        await("the peers stop trading")
                .atMost(Duration.ofSeconds(30))
                .pollInterval(Duration.ofMillis(100))
                .during(Duration.ofMillis(600))
                .until(() -> {
                    long now = NodeFiles.have(peers.get(0), id) + (long) NodeFiles.have(peers.get(1), id) * chunks;
                    boolean unchanged = now == held[0];
                    held[0] = now;
                    return unchanged;
                });
        int[] haveAtStop = new int[2];
        long[] downAtStop = new long[2];
        for (int i = 0; i < 2; i++) {
            haveAtStop[i] = NodeFiles.have(peers.get(i), id);
            downAtStop[i] = peers.get(i).transfer().stats().bytesDown.get();
        }
        Assumptions.assumeTrue(
                haveAtStop[0] < chunks && haveAtStop[1] < chunks,
                "a peer already had the whole file when the seed stopped (machine too fast for this file size)");
        System.out.printf(
                "[SeedDiesTest] seed stopped: %d chunks of %d KiB; peers hold %d and %d%n",
                chunks, entry.chunkSize() / 1024, haveAtStop[0], haveAtStop[1]);
        assertThat(peers).allMatch(p -> !NodeFiles.isComplete(p, id));

        long t0 = System.nanoTime();
        cluster.restart(0);
        NodeFiles.awaitComplete(peers, id, Duration.ofSeconds(90));
        double secs = (System.nanoTime() - t0) / 1e9;
        for (int i = 0; i < 2; i++) {
            Node p = peers.get(i);
            assertThat(TestFiles.sha256(NodeFiles.shared(p, PATH))).isEqualTo(sha);
            long after = p.transfer().stats().bytesDown.get() - downAtStop[i];
            long missing = (long) (chunks - haveAtStop[i]) * entry.chunkSize();
            // end game: at most 2 duplicate requests per session at a time, from 2 sources, over a few rounds
            long slack = 8L * entry.chunkSize();
            System.out.printf(
                    "[SeedDiesTest] peer %d: missing %,d bytes when the seed stopped, received %,d bytes after it "
                            + "returned (%.2fx), complete in %.1f s with the right SHA-256%n",
                    i + 1, missing, after, missing == 0 ? 0.0 : (double) after / missing, secs);
            assertThat(after).as("bytes fetched again by peer %d", i + 1).isLessThanOrEqualTo(missing + slack);
        }
    }
}

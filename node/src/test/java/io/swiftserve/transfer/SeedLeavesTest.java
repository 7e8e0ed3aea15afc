package io.swiftserve.transfer;

import static io.swiftserve.cluster.NodeFiles.addAsync;
import static io.swiftserve.cluster.NodeFiles.assertHolds;
import static io.swiftserve.cluster.NodeFiles.awaitComplete;
import static io.swiftserve.cluster.NodeFiles.awaitLedgerEntry;
import static io.swiftserve.cluster.NodeFiles.fileId;
import static io.swiftserve.cluster.SwarmControl.counters;
import static io.swiftserve.cluster.SwarmControl.cutOff;
import static io.swiftserve.cluster.SwarmControl.stopPromptly;
import static io.swiftserve.cluster.TestFiles.MIB;
import static io.swiftserve.cluster.TestFiles.writeRandom;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import io.swiftserve.chain.FileEntry;
import io.swiftserve.chain.Hash;
import io.swiftserve.cluster.TestCluster;
import io.swiftserve.daemon.Node;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Arrays;
import java.util.BitSet;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AutoClose;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * The seed goes away as soon as every chunk exists on some other node (verified there): the
 * remaining nodes hold the whole file between them and must finish from each other alone,
 * including a node that was down the whole time the seed was there.
 */
@Timeout(value = 120, unit = TimeUnit.SECONDS)
class SeedLeavesTest {
    private static final String PATH = "leaving/seeded.bin";

    @TempDir
    Path dir;

    @AutoClose
    private TestCluster cluster;

    @Test
    void theRestCompleteAfterTheSeedLeavesOnceEveryChunkIsElsewhere() throws Exception {
        cluster = TestCluster.converged(dir.resolve("cluster"), 3);
        Node seed = cluster.node(0);
        // node 3 is down while the seed is there: whatever the timing, it has every chunk still to get
        // when the seed leaves, and can only get them from nodes 1 and 2
        cluster.stop(3);
        List<Node> online = List.of(cluster.node(1), cluster.node(2));

        Path source = dir.resolve("seeded.bin");
        String sha = writeRandom(source, 64L * MIB, 7);
        CompletableFuture<JsonNode> added = addAsync(seed, PATH, source);
        Hash id = awaitLedgerEntry(online.get(0), PATH, added, Duration.ofSeconds(60));
        FileEntry entry = online.get(0).chain().state().file(PATH).orElseThrow();
        int chunks = entry.chunkCount();

        await("every chunk verified on node 1 or node 2")
                .atMost(Duration.ofSeconds(60))
                .pollDelay(Duration.ZERO)
                .pollInterval(Duration.ofMillis(5))
                .until(() -> union(online, id, chunks).cardinality() == chunks);
        int[] atUnion = haves(online, id);
        // leave at once, taking no more requests
        cutOff(seed);
        long seedUpAtCutOff = seed.transfer().stats().bytesUp.get();
        long[] downAtCutOff = online.stream()
                .mapToLong(n -> n.transfer().stats().bytesDown.get())
                .toArray();
        int[] atCutOff = haves(online, id);
        stopPromptly(cluster, 0);
        long seedUpAfterCutOff = seed.transfer().stats().bytesUp.get() - seedUpAtCutOff;
        System.out.printf(
                "[SeedLeavesTest] %d chunks; held by nodes 1-2 when their union was complete: %s, when the seed was cut off: %s; "
                        + "node 3 (down): 0; the seed uploaded %,d bytes after the cut-off%n%s",
                chunks, Arrays.toString(atUnion), Arrays.toString(atCutOff), seedUpAfterCutOff, counters(online));
        assertThat(seedUpAfterCutOff).as("bytes the seed served after it left").isZero();

        Node late = cluster.restart(3);
        List<Node> rest = List.of(online.get(0), online.get(1), late);
        awaitComplete(rest, id, Duration.ofSeconds(60));
        // the seed may have been stopped before its admin answer went out (the block was out already)
        JsonNode answer = added.handle((r, e) -> r).get(30, TimeUnit.SECONDS);
        if (answer != null) {
            assertThat(fileId(answer)).isEqualTo(id);
        }
        for (Node n : rest) {
            assertHolds(n, PATH, sha);
            assertThat(n.transfer().stats().chunksFailed.get()).isZero();
        }
        long[] receivedWithoutSeed = new long[online.size()];
        for (int i = 0; i < online.size(); i++) {
            receivedWithoutSeed[i] = online.get(i).transfer().stats().bytesDown.get() - downAtCutOff[i];
        }
        TransferStats lateStats = late.transfer().stats();
        System.out.printf(
                "[SeedLeavesTest] after the seed left: nodes 1-2 received %s bytes, node 3 received %,d bytes "
                        + "(%d chunks verified) from nodes 1-2%n%s",
                Arrays.toString(receivedWithoutSeed),
                lateStats.bytesDown.get(),
                lateStats.chunksVerified.get(),
                counters(rest));
        assertThat(lateStats.chunksVerified.get())
                .as("chunks node 3 got from nodes 1 and 2")
                .isEqualTo(chunks);
        assertThat(lateStats.bytesDown.get()).isGreaterThanOrEqualTo(entry.size());
    }

    private static BitSet union(List<Node> nodes, Hash id, int chunks) {
        BitSet all = new BitSet(chunks);
        for (Node n : nodes) {
            Download d = Downloads.of(n, id);
            if (d != null) {
                for (int c = 0; c < chunks; c++) {
                    if (d.have.get(c)) {
                        all.set(c);
                    }
                }
            }
        }
        return all;
    }

    private static int[] haves(List<Node> nodes, Hash id) {
        return nodes.stream()
                .mapToInt(n -> {
                    Download d = Downloads.of(n, id);
                    return d == null ? 0 : d.have.cardinality();
                })
                .toArray();
    }
}

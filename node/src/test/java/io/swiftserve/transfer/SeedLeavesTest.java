package io.swiftserve.transfer;

import static io.swiftserve.transfer.SwarmHarness.MIB;
import static io.swiftserve.transfer.SwarmHarness.addAsync;
import static io.swiftserve.transfer.SwarmHarness.awaitLedgerEntry;
import static io.swiftserve.transfer.SwarmHarness.assertHolds;
import static io.swiftserve.transfer.SwarmHarness.awaitComplete;
import static io.swiftserve.transfer.SwarmHarness.counters;
import static io.swiftserve.transfer.SwarmHarness.download;
import static io.swiftserve.transfer.SwarmHarness.fileId;
import static io.swiftserve.transfer.SwarmHarness.writeRandom;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import io.swiftserve.chain.Hash;
import io.swiftserve.cluster.TestCluster;
import io.swiftserve.daemon.Node;
import java.nio.file.Path;
import java.time.Duration;
import java.util.BitSet;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * The seed goes away as soon as every chunk exists on some other node (verified there): the
 * remaining nodes hold the whole file between them and must finish from each other alone.
 */
@Timeout(value = 120, unit = TimeUnit.SECONDS)
class SeedLeavesTest {
    private static final String PATH = "leaving/seeded.bin";

    @TempDir
    Path dir;

    private TestCluster cluster;

    @AfterEach
    void tearDown() {
        if (cluster != null) {
            cluster.close();
        }
    }

    @Test
    void theRestCompleteAfterTheSeedLeavesOnceEveryChunkIsElsewhere() throws Exception {
        cluster = new TestCluster(dir.resolve("cluster"));
        Node seed = cluster.found();
        List<Node> rest = cluster.join(3);
        cluster.awaitConverged();

        Path source = dir.resolve("seeded.bin");
        String sha = writeRandom(source, 64L * MIB, 7);
        CompletableFuture<JsonNode> added = addAsync(seed, PATH, source);
        Hash id = awaitLedgerEntry(rest.get(0), PATH, Duration.ofSeconds(60));
        int chunks = rest.get(0).chain().state().file(PATH).orElseThrow().chunkCount();

        await("every chunk verified on some non-seed node").atMost(Duration.ofSeconds(60))
                .pollDelay(Duration.ZERO).pollInterval(Duration.ofMillis(5))
                .until(() -> union(rest, id, chunks).cardinality() == chunks);
        int[] atUnion = haves(rest, id);
        cluster.stop(0);
        int[] afterStop = haves(rest, id);
        int missingAfterStop = 0;
        for (int h : afterStop) {
            missingAfterStop += chunks - h;
        }
        System.out.printf("[SeedLeavesTest] %d chunks; held by nodes 1-3 when their union was complete: %s, once the seed was stopped: %s "
                        + "(%d chunk copies still missing)%n%s", chunks, java.util.Arrays.toString(atUnion),
                java.util.Arrays.toString(afterStop), missingAfterStop, counters(rest));
        assertThat(missingAfterStop).as("chunks the remaining nodes still had to trade without the seed").isPositive();

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
        System.out.printf("[SeedLeavesTest] after the seed left:%n%s", counters(rest));
    }

    private static BitSet union(List<Node> nodes, Hash id, int chunks) {
        BitSet all = new BitSet(chunks);
        for (Node n : nodes) {
            Download d = download(n, id);
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
        return nodes.stream().mapToInt(n -> {
            Download d = download(n, id);
            return d == null ? 0 : d.have.cardinality();
        }).toArray();
    }
}

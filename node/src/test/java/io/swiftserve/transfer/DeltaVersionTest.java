package io.swiftserve.transfer;

import static io.swiftserve.cluster.NodeFiles.addAnswer;
import static io.swiftserve.cluster.NodeFiles.assertHolds;
import static io.swiftserve.cluster.NodeFiles.awaitComplete;
import static io.swiftserve.cluster.NodeFiles.fileId;
import static io.swiftserve.cluster.SwarmControl.counters;
import static io.swiftserve.cluster.SwarmControl.settledBytesDown;
import static io.swiftserve.cluster.TestFiles.randomBytes;
import static io.swiftserve.cluster.TestFiles.sha256;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import io.swiftserve.chain.Hash;
import io.swiftserve.cluster.LogCapture;
import io.swiftserve.cluster.TestCluster;
import io.swiftserve.daemon.Node;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AutoClose;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * A new version of a file moves only what changed: every node that holds version 1 takes the
 * chunks version 2 shares with it from its own disk (found by hash, so a chunk that moved is found
 * too), and fetches from peers only the chunk whose bytes are new. Counted in chunk bytes received.
 */
@Timeout(value = 120, unit = TimeUnit.SECONDS)
class DeltaVersionTest {
    private static final Duration ARRIVE = Duration.ofSeconds(60);
    private static final int CHUNK = ChunkLayout.MIN_CHUNK_SIZE;
    /** 64 full chunks and a short last one, whose length must match too. */
    private static final int SIZE = 64 * CHUNK + 1000;

    @TempDir
    Path dir;

    @AutoClose
    private TestCluster cluster;

    @BeforeEach
    void threeNodes() {
        cluster = TestCluster.converged(dir.resolve("cluster"), 2);
    }

    @Test
    void aVersionWithOneChunkChangedAndTwoSwappedFetchesOnlyTheChangedChunk() throws Exception {
        String path = "data/model.bin";
        byte[] v1 = randomBytes(SIZE, 1);
        Node publisher = cluster.node(0);
        List<Node> all = cluster.running();
        List<Node> others = List.of(cluster.node(1), cluster.node(2));

        JsonNode first = addAnswer(publisher, path, v1);
        assertThat(first.path("chunkSize").asInt()).isEqualTo(CHUNK);
        awaitComplete(all, fileId(first), ARRIVE);
        Hash manifest1 = publisher.chain().state().file(path).orElseThrow().manifest();

        byte[] v2 = v1.clone();
        // chunk 10 gets new bytes; chunks 20 and 40 change places; the short last chunk stays
        System.arraycopy(randomBytes(CHUNK, 2), 0, v2, 10 * CHUNK, CHUNK);
        System.arraycopy(v1, 40 * CHUNK, v2, 20 * CHUNK, CHUNK);
        System.arraycopy(v1, 20 * CHUNK, v2, 40 * CHUNK, CHUNK);
        long[] downBefore = settledBytesDown(others, ARRIVE);
        long[] localBefore = others.stream()
                .mapToLong(n -> n.transfer().stats().chunksLocal.get())
                .toArray();

        try (LogCapture log = LogCapture.of(TransferService.class)) {
            JsonNode second = addAnswer(publisher, path, v2);
            assertThat(second.path("version").asLong()).isEqualTo(2);
            Hash id2 = fileId(second);
            awaitComplete(all, id2, ARRIVE);
            System.out.printf("[DeltaVersionTest] after version 2%n%s", counters(all));

            for (Node n : all) {
                assertHolds(n, path, sha256(v2));
                assertThat(n.transfer().manifests().get(manifestOf(n, path))).isPresent();
            }
            for (int i = 0; i < others.size(); i++) {
                Node n = others.get(i);
                long fromPeers = n.transfer().stats().bytesDown.get() - downBefore[i];
                long local = n.transfer().stats().chunksLocal.get() - localBefore[i];
                assertThat(fromPeers)
                        .as("chunk bytes node %d received from peers for one changed chunk", i + 1)
                        .isLessThanOrEqualTo((long) (1.1 * CHUNK));
                assertThat(local)
                        .as("chunks node %d took from its own copy of version 1", i + 1)
                        .isEqualTo(64);
            }
            // one line per version and node: what was reused, what is to be fetched
            assertThat(log.containing("reused from earlier versions on this node"))
                    .as("reuse lines")
                    .hasSize(2)
                    .allMatch(l -> l.contains("64 of 65 chunks") && l.contains("1 to fetch"));
        }
        // version 1's manifest outlives its ledger entry while its copy is the last one kept in versions/,
        // and goes when a third version makes version 2 that copy
        for (Node n : all) {
            assertThat(n.transfer().manifests().get(manifest1)).isPresent();
        }
        byte[] v3 = v2.clone();
        System.arraycopy(randomBytes(CHUNK, 3), 0, v3, 30 * CHUNK, CHUNK);
        awaitComplete(all, fileId(addAnswer(publisher, path, v3)), ARRIVE);
        await("version 1's manifest deleted everywhere").atMost(ARRIVE).untilAsserted(() -> {
            for (Node n : all) {
                n.transfer().reconcileSoon();
                assertThat(n.transfer().manifests().get(manifest1)).isEmpty();
            }
        });
    }

    @Test
    void aNodeStoppedThroughTwoVersionsTakesTheLatestFromTheVersionItHolds() throws Exception {
        String path = "data/weights.bin";
        byte[] v1 = randomBytes(SIZE, 11);
        Node publisher = cluster.node(0);
        JsonNode first = addAnswer(publisher, path, v1);
        awaitComplete(cluster.running(), fileId(first), ARRIVE);
        cluster.stop(2);

        byte[] v2 = v1.clone();
        System.arraycopy(randomBytes(CHUNK, 12), 0, v2, 5 * CHUNK, CHUNK);
        List<Node> up = cluster.running();
        awaitComplete(up, fileId(addAnswer(publisher, path, v2)), ARRIVE);
        byte[] v3 = v2.clone();
        System.arraycopy(randomBytes(CHUNK, 13), 0, v3, 6 * CHUNK, CHUNK);
        Hash id3 = fileId(addAnswer(publisher, path, v3));
        awaitComplete(up, id3, ARRIVE);

        // back with version 1 on disk: chunks 5 and 6 are all it lacks of version 3
        Node back = cluster.restart(2);
        awaitComplete(List.of(back), id3, ARRIVE);
        assertHolds(back, path, sha256(v3));
        System.out.printf("[DeltaVersionTest] after a restart%n%s", counters(List.of(back)));
        assertThat(back.transfer().stats().bytesDown.get())
                .as("chunk bytes received from peers for two changed chunks")
                .isLessThanOrEqualTo((long) (1.1 * 2 * CHUNK));
        assertThat(back.transfer().stats().chunksLocal.get()).isEqualTo(63);
    }

    @Test
    void aVersionThatRestoresAnOlderOneMovesNothing() throws Exception {
        String path = "data/config.bin";
        byte[] v1 = randomBytes(SIZE, 21);
        Node publisher = cluster.node(0);
        List<Node> all = cluster.running();
        List<Node> others = List.of(cluster.node(1), cluster.node(2));
        awaitComplete(all, fileId(addAnswer(publisher, path, v1)), ARRIVE);
        byte[] v2 = v1.clone();
        for (int c = 3; c <= 5; c++) {
            System.arraycopy(randomBytes(CHUNK, 22 + c), 0, v2, c * CHUNK, CHUNK);
        }
        awaitComplete(all, fileId(addAnswer(publisher, path, v2)), ARRIVE);
        long[] downBefore = settledBytesDown(others, ARRIVE);

        // version 3 is version 1 again: 62 chunks from the copy in place, 3 from the copy kept in versions/
        Hash id3 = fileId(addAnswer(publisher, path, v1));
        awaitComplete(all, id3, ARRIVE);
        for (int i = 0; i < others.size(); i++) {
            Node n = others.get(i);
            assertHolds(n, path, sha256(v1));
            assertThat(n.transfer().stats().bytesDown.get() - downBefore[i])
                    .as("chunk bytes node %d received from peers for version 3", i + 1)
                    .isZero();
        }
    }

    /**
     * Each node's chunk bytes from peers once nothing more arrives: an end-game duplicate of the last
     * version can land after it completed, and must not be counted against the next one.
     */
    private static Hash manifestOf(Node n, String path) {
        return n.chain().state().file(path).orElseThrow().manifest();
    }
}

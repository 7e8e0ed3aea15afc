package io.swiftserve.transfer;

import static io.swiftserve.cluster.NodeFiles.add;
import static io.swiftserve.cluster.NodeFiles.addAnswer;
import static io.swiftserve.cluster.NodeFiles.assertHolds;
import static io.swiftserve.cluster.NodeFiles.awaitComplete;
import static io.swiftserve.cluster.NodeFiles.fileId;
import static io.swiftserve.cluster.SwarmControl.counters;
import static io.swiftserve.cluster.TestFiles.MIB;
import static io.swiftserve.cluster.TestFiles.writeRandom;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import io.swiftserve.chain.Hash;
import io.swiftserve.cluster.TestCluster;
import io.swiftserve.daemon.Node;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AutoClose;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * The product's reason to exist: a file added on one of four real nodes reaches the other three,
 * byte for byte, and the downloaders trade chunks among themselves instead of all pulling from the
 * seed.
 */
@Timeout(value = 120, unit = TimeUnit.SECONDS)
class SwarmReplicationTest {
    private static final Duration ARRIVE = Duration.ofSeconds(90);

    @TempDir
    Path dir;

    @AutoClose
    private TestCluster cluster;

    @BeforeEach
    void fourNodes() {
        cluster = TestCluster.converged(dir.resolve("cluster"), 3);
    }

    @Test
    void a64MiBFileReachesTheOtherThreeNodesAndTheyServeEachOther() throws Exception {
        Path source = dir.resolve("big.bin");
        String sha = writeRandom(source, 64L * MIB, 64);
        Node seed = cluster.node(0);
        List<Node> others = List.of(cluster.node(1), cluster.node(2), cluster.node(3));

        long t0 = System.nanoTime();
        JsonNode added = addAnswer(seed, "images/big.bin", source);
        long addedNanos = System.nanoTime();
        Hash id = fileId(added);
        assertThat(added.path("version").asLong()).isEqualTo(1);
        assertThat(added.path("size").asLong()).isEqualTo(64L * MIB);
        int chunks = added.path("chunks").asInt();
        assertThat(chunks).isEqualTo(64 * MIB / added.path("chunkSize").asInt());

        awaitComplete(others, id, ARRIVE);
        long doneNanos = System.nanoTime();

        for (Node n : cluster.running()) {
            assertHolds(n, "images/big.bin", sha);
            assertThat(n.transfer().progress(id)).hasValueSatisfying(p -> {
                assertThat(p.have()).isEqualTo(chunks);
                assertThat(p.chunks()).isEqualTo(chunks);
            });
        }
        long nonSeedUp = others.stream()
                .mapToLong(n -> n.transfer().stats().bytesUp.get())
                .sum();
        long seedUp = seed.transfer().stats().bytesUp.get();
        double seconds = (doneNanos - addedNanos) / 1e9;
        System.out.printf(
                "[SwarmReplicationTest] 64 MiB, %d chunks of %d KiB: add took %d ms, replication to 3 nodes %.2f s "
                        + "(%.1f MB/s delivered in total); seed uploaded %,d bytes, non-seeds uploaded %,d bytes (%.0f%% of all uploads)%n%s",
                chunks,
                added.path("chunkSize").asInt() / 1024,
                (addedNanos - t0) / 1_000_000,
                seconds,
                3 * 64.0 * MIB / 1e6 / seconds,
                seedUp,
                nonSeedUp,
                100.0 * nonSeedUp / Math.max(1, seedUp + nonSeedUp),
                counters(cluster.running()));

        assertThat(nonSeedUp).as("bytes uploaded by the three non-seed nodes").isPositive();
        for (Node n : others) {
            assertThat(n.transfer().stats().chunksFailed.get()).isZero();
            assertThat(n.transfer().stats().chunksVerified.get()).isEqualTo(chunks);
            // the bitmap is saved once a second and at completion, not once per chunk
            double sinceAdd = (doneNanos - t0) / 1e9;
            assertThat(n.transfer().stats().bitmapSaves.get())
                    .as("bitmap saves for %d chunks within %.1f s", chunks, sinceAdd)
                    .isBetween(1L, (long) Math.ceil(sinceAdd) + 2);
            // announcements: what a peer already holds (everything, for the seed or a finished node)
            // goes in one batch a second per peer at most, not once per chunk; no chunk is announced
            // twice to one peer
            long[] haves = n.transfer().haveAnnouncements();
            System.out.printf(
                    "[SwarmReplicationTest] %s sent HaveChunks: %d fast batches (chunks the peer lacked), %d slow ones, %d indices%n",
                    n.key().id().shortId(), haves[0], haves[1], haves[2]);
            assertThat(haves[1])
                    .as("slow HaveChunks batches")
                    .isLessThanOrEqualTo(3 * ((long) Math.ceil(sinceAdd) + 2));
            assertThat(haves[0]).as("fast HaveChunks batches").isLessThanOrEqualTo(2L * chunks);
            assertThat(haves[2]).as("indices announced").isBetween(1L, 3L * chunks);
        }
    }

    @Test
    void threeFilesAddedBackToBackAllArrive() throws Exception {
        Node seed = cluster.node(0);
        List<String> paths = List.of("batch/a.bin", "batch/b.bin", "batch/c.bin");
        List<String> shas = new ArrayList<>();
        List<Hash> ids = new ArrayList<>();
        for (int i = 0; i < paths.size(); i++) {
            Path source = dir.resolve("src-" + i + ".bin");
            // not a multiple of the chunk size: the short last chunk travels too
            shas.add(writeRandom(source, 8L * MIB + 1000 * i + 1, 100 + i));
            ids.add(add(seed, paths.get(i), source));
        }
        long t0 = System.nanoTime();
        for (Hash id : ids) {
            awaitComplete(cluster.running(), id, ARRIVE);
        }
        System.out.printf(
                "[SwarmReplicationTest] 3 x 8 MiB added back to back: all on 4 nodes %d ms after the last add%n%s",
                (System.nanoTime() - t0) / 1_000_000, counters(cluster.running()));
        for (Node n : cluster.running()) {
            for (int i = 0; i < paths.size(); i++) {
                assertHolds(n, paths.get(i), shas.get(i));
            }
            assertThat(n.chain().state().files()).hasSize(3);
        }
    }
}

package io.swiftserve.transfer;

import static io.swiftserve.transfer.SwarmHarness.MIB;
import static io.swiftserve.transfer.SwarmHarness.addAsync;
import static io.swiftserve.transfer.SwarmHarness.awaitLedgerEntry;
import static io.swiftserve.transfer.SwarmHarness.assertHolds;
import static io.swiftserve.transfer.SwarmHarness.awaitComplete;
import static io.swiftserve.transfer.SwarmHarness.fileId;
import static io.swiftserve.transfer.SwarmHarness.writeRandom;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import io.swiftserve.chain.FileEntry;
import io.swiftserve.chain.Hash;
import io.swiftserve.cluster.TestCluster;
import io.swiftserve.daemon.Node;
import io.swiftserve.daemon.NodeInit;
import io.swiftserve.store.RocksDbStore;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * A node stopped half way through a download restarts from its chunk bitmap in RocksDB: it finishes
 * with the right file, and fetches only what it lacked (plus what was in flight when it stopped and
 * end-game duplicates), never the verified chunks it already held.
 */
@Timeout(value = 120, unit = TimeUnit.SECONDS)
class ResumeTest {
    private static final String PATH = "resume/half.bin";
    /** Missing chunks may cost extra for requests in flight at the stop and end-game duplicates. */
    private static final int SLACK_CHUNKS = 64;

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
    void aNodeStoppedHalfWayResumesFromItsBitmapAndFetchesOnlyWhatItLacked() throws Exception {
        cluster = new TestCluster(dir.resolve("cluster"));
        Node seed = cluster.found();
        Node first = cluster.join(1).get(0);
        cluster.awaitConverged();

        Path source = dir.resolve("half.bin");
        String sha = writeRandom(source, 128L * MIB, 128);
        CompletableFuture<JsonNode> added = addAsync(seed, PATH, source);
        Hash id = awaitLedgerEntry(first, PATH, Duration.ofSeconds(60));
        FileEntry entry = first.chain().state().file(PATH).orElseThrow();
        int chunks = entry.chunkCount();

        // stop it as soon as it holds about half its chunks
        AtomicInteger seen = new AtomicInteger();
        await("half the chunks").atMost(Duration.ofSeconds(60)).pollDelay(Duration.ZERO).pollInterval(Duration.ofMillis(10))
                .until(() -> {
                    int have = first.transfer().progress(id).map(TransferService.FileProgress::have).orElse(0);
                    seen.set(have);
                    return have >= chunks / 2;
                });
        long downBeforeStop = first.transfer().stats().bytesDown.get();
        cluster.stop(1);

        int held = heldChunks(cluster.dataDir(1), id, chunks);
        System.out.printf("[ResumeTest] %d chunks of %d KiB; stopped at %d held (last poll), %d in the bitmap on disk, "
                        + "%,d bytes received before the stop%n", chunks, entry.chunkSize() / 1024, seen.get(), held, downBeforeStop);
        assertThat(held).as("verified chunks recorded before the stop").isGreaterThanOrEqualTo(seen.get());
        assertThat(held).as("the download must still be incomplete at the stop, or this test proves nothing")
                .isLessThan(chunks);
        assertThat(Files.exists(SwarmHarness.shared(first, PATH))).isFalse();

        assertThat(fileId(added.get(60, TimeUnit.SECONDS))).isEqualTo(id);

        Node restarted = cluster.restart(1);
        awaitComplete(List.of(restarted), id, Duration.ofSeconds(60));

        assertHolds(restarted, PATH, sha);
        TransferStats stats = restarted.transfer().stats();
        int missing = chunks - held;
        long missingBytes = (long) missing * entry.chunkSize();
        long bound = missingBytes + (long) SLACK_CHUNKS * entry.chunkSize();
        System.out.printf("[ResumeTest] after restart: received %,d bytes for %d missing chunks (%,d bytes, bound %,d with %d chunks of slack); "
                        + "chunksVerified=%d chunksFailed=%d%n", stats.bytesDown.get(), missing, missingBytes, bound, SLACK_CHUNKS,
                stats.chunksVerified.get(), stats.chunksFailed.get());
        assertThat(stats.bytesDown.get()).as("bytes received after the restart").isLessThanOrEqualTo(bound);
        assertThat(stats.chunksVerified.get()).as("chunks newly verified after the restart").isEqualTo(missing);
        assertThat(stats.chunksFailed.get()).isZero();
    }

    /** The verified chunks the stopped node's RocksDB records for {@code id}: what a restart resumes from. */
    private static int heldChunks(Path dataDir, Hash id, int chunks) {
        try (RocksDbStore store = RocksDbStore.open(dataDir.resolve(NodeInit.DB_DIR))) {
            return new BitmapStore(store).load(id.bytes(), chunks).cardinality();
        }
    }
}

package io.swiftserve.transfer;

import static io.swiftserve.cluster.NodeFiles.addAnswer;
import static io.swiftserve.cluster.NodeFiles.addAsync;
import static io.swiftserve.cluster.NodeFiles.assertHolds;
import static io.swiftserve.cluster.NodeFiles.awaitComplete;
import static io.swiftserve.cluster.NodeFiles.awaitLedgerEntry;
import static io.swiftserve.cluster.NodeFiles.entry;
import static io.swiftserve.cluster.NodeFiles.fileId;
import static io.swiftserve.cluster.NodeFiles.isComplete;
import static io.swiftserve.cluster.NodeFiles.shared;
import static io.swiftserve.cluster.SwarmControl.counters;
import static io.swiftserve.cluster.SwarmControl.stallAfter;
import static io.swiftserve.cluster.TestFiles.MIB;
import static io.swiftserve.cluster.TestFiles.randomBytes;
import static io.swiftserve.cluster.TestFiles.sha256;
import static io.swiftserve.cluster.TestFiles.writeRandom;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import io.swiftserve.chain.Hash;
import io.swiftserve.cluster.InProcessCli;
import io.swiftserve.cluster.TestCluster;
import io.swiftserve.daemon.Node;
import io.swiftserve.net.PeerSession;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.junit.jupiter.api.AutoClose;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * The ledger's file set, materialised on every node: a second add of a path is version 2 and
 * replaces the content everywhere, rm removes it everywhere (also while it is still downloading),
 * and a thousand small files all arrive.
 */
@Timeout(value = 150, unit = TimeUnit.SECONDS)
class VersionsAndDeletesTest {
    private static final Duration ARRIVE = Duration.ofSeconds(60);

    @TempDir
    Path dir;

    @AutoClose
    private TestCluster cluster;

    @BeforeEach
    void threeNodes() {
        cluster = TestCluster.converged(dir.resolve("cluster"), 2);
    }

    @Test
    void aSecondAddIsVersionTwoEverywhereAndRmRemovesTheFileEverywhere() throws Exception {
        String path = "docs/report.bin";
        byte[] v1 = randomBytes(MIB + 17, 1);
        byte[] v2 = randomBytes(700 * 1024, 2);
        List<Node> all = cluster.running();

        JsonNode first = addAnswer(cluster.node(0), path, v1);
        assertThat(first.path("version").asLong()).isEqualTo(1);
        Hash id1 = fileId(first);
        awaitComplete(all, id1, ARRIVE);
        for (Node n : all) {
            assertHolds(n, path, sha256(v1));
        }

        // the update comes from another member: the version follows the ledger, not the node
        JsonNode second = addAnswer(cluster.node(1), path, v2);
        assertThat(second.path("version").asLong()).isEqualTo(2);
        Hash id2 = fileId(second);
        assertThat(id2).isNotEqualTo(id1);
        awaitComplete(all, id2, ARRIVE);
        for (Node n : all) {
            assertThat(entry(n, path).version()).isEqualTo(2);
            assertThat(entry(n, path).fileId()).isEqualTo(id2);
            assertHolds(n, path, sha256(v2));
        }
        // version 1 is forgotten: no download, no partial data left anywhere
        await("version 1 dropped").atMost(ARRIVE).untilAsserted(() -> {
            for (Node n : all) {
                assertThat(n.transfer().progress(id1)).isEmpty();
                assertThat(partials(n)).isEmpty();
            }
        });

        InProcessCli.Result rm =
                InProcessCli.run("rm", "--data", cluster.dataDir(2).toString(), path);
        assertThat(rm.exitCode()).as("rm: %s", rm.err()).isZero();
        await("file removed on every node").atMost(ARRIVE).untilAsserted(() -> {
            for (Node n : all) {
                assertThat(n.chain().state().file(path)).isEmpty();
                assertThat(n.transfer().progress(id2)).isEmpty();
                assertThat(shared(n, path)).doesNotExist();
                // the directory that only held it goes too
                assertThat(shared(n, "docs")).doesNotExist();
            }
        });
        InProcessCli.Result again =
                InProcessCli.run("rm", "--data", cluster.dataDir(0).toString(), path);
        assertThat(again.exitCode()).isEqualTo(1);
        assertThat(again.err()).contains("no file");
    }

    @Test
    void anRmWhileTheFileIsStillDownloadingStopsItAndCleansUp() throws Exception {
        String path = "big/interrupted.bin";
        Path source = dir.resolve("interrupted.bin");
        long size = 48L * MIB;
        writeRandom(source, size, 48);
        Node reader = cluster.node(2);
        // the seed serves only half the file honestly, so the downloads cannot finish before the rm
        stallAfter(cluster.node(0), ChunkLayout.forSize(size).chunkCount() / 2);
        CompletableFuture<JsonNode> added = addAsync(cluster.node(0), path, source);
        Hash id = awaitLedgerEntry(reader, path, added, ARRIVE);
        int chunks = entry(reader, path).chunkCount();
        // delete as soon as a downloader holds something, through a node that is itself downloading
        await("download under way")
                .atMost(ARRIVE)
                .pollDelay(Duration.ZERO)
                .pollInterval(Duration.ofMillis(5))
                .until(() ->
                        reader.transfer().progress(id).map(p -> p.have() > 0).orElse(false));
        int haveAtRm = reader.transfer()
                .progress(id)
                .map(TransferService.FileProgress::have)
                .orElse(-1);
        assertThat(List.of(cluster.node(1), cluster.node(2)))
                .as("downloaders still downloading")
                .noneMatch(n -> isComplete(n, id));
        InProcessCli.Result rm =
                InProcessCli.run("rm", "--data", cluster.dataDir(2).toString(), path);
        int haveAfterRm = reader.transfer()
                .progress(id)
                .map(TransferService.FileProgress::have)
                .orElse(-1);
        assertThat(rm.exitCode()).as("rm: %s", rm.err()).isZero();
        System.out.printf(
                "[VersionsAndDeletesTest] rm while downloading: node 2 held %d of %d chunks when rm was issued, "
                        + "%d when it returned (-1: already dropped)%n%s",
                haveAtRm, chunks, haveAfterRm, counters(cluster.running()));
        assertThat(added.get(60, TimeUnit.SECONDS).path("fileId").asText()).isEqualTo(id.toString());

        await("download stopped and cleaned up everywhere").atMost(ARRIVE).untilAsserted(() -> {
            for (Node n : cluster.running()) {
                assertThat(n.chain().state().file(path)).isEmpty();
                assertThat(n.transfer().progress(id)).isEmpty();
                assertThat(shared(n, path)).doesNotExist();
                assertThat(partials(n)).isEmpty();
            }
        });
        // and nothing comes back later (a late chunk or a stale reconcile must not resurrect it)
        await("stays deleted")
                .during(Duration.ofSeconds(1))
                .atMost(Duration.ofSeconds(10))
                .until(() -> cluster.running().stream()
                        .allMatch(n ->
                                !Files.exists(shared(n, path)) && partials(n).isEmpty()));
    }

    @Test
    @Timeout(value = 240, unit = TimeUnit.SECONDS)
    void aThousandSmallFilesAllArriveOnEveryNode() throws Exception {
        int count = 1000;
        Node seed = cluster.node(0);
        SplittableRandom sizes = new SplittableRandom(1000);
        List<String> paths = new ArrayList<>();
        List<String> shas = new ArrayList<>();
        List<Hash> ids = new ArrayList<>();
        List<Map<Node, List<PeerSession>>> last = new ArrayList<>(List.of(sessions(cluster.running())));
        await("every node connected to both others, settled")
                .during(Duration.ofSeconds(1))
                .atMost(Duration.ofSeconds(30))
                .until(() -> {
                    Map<Node, List<PeerSession>> now = sessions(cluster.running());
                    boolean settled =
                            now.equals(last.get(0)) && now.values().stream().allMatch(l -> l.size() == 2);
                    last.set(0, now);
                    return settled;
                });
        Map<Node, List<PeerSession>> sessionsBefore = last.get(0);
        long t0 = System.nanoTime();
        for (int i = 0; i < count; i++) {
            byte[] content = randomBytes(1024 + sizes.nextInt(3 * 1024 + 1), i);
            String path = String.format("small/%02d/f%04d.bin", i % 10, i);
            JsonNode r = addAnswer(seed, path, content);
            paths.add(path);
            shas.add(sha256(content));
            ids.add(fileId(r));
        }
        long addedNanos = System.nanoTime();

        await(count + " files complete on 3 nodes")
                .atMost(Duration.ofSeconds(90))
                .pollInterval(Duration.ofMillis(200))
                .until(() ->
                        cluster.running().stream().allMatch(n -> ids.stream().allMatch(id -> isComplete(n, id))));
        long doneNanos = System.nanoTime();
        System.out.printf(
                "[VersionsAndDeletesTest] %d files of 1-4 KiB: added in %.1f s (%.1f ms each), all on 3 nodes %.1f s after the last add%n%s",
                count,
                (addedNanos - t0) / 1e9,
                (addedNanos - t0) / 1e6 / count,
                (doneNanos - addedNanos) / 1e9,
                counters(cluster.running()));

        // serving a chunk whose partial file was just renamed into place once dropped the whole connection
        assertThat(sessions(cluster.running()))
                .as("the same peer connections throughout")
                .isEqualTo(sessionsBefore);
        for (Node n : cluster.running()) {
            assertThat(n.chain().state().files()).hasSize(count);
            for (int i = 0; i < count; i++) {
                assertHolds(n, paths.get(i), shas.get(i));
            }
        }
    }

    private static Map<Node, List<PeerSession>> sessions(List<Node> nodes) {
        Map<Node, List<PeerSession>> out = new java.util.HashMap<>();
        for (Node n : nodes) {
            out.put(
                    n,
                    n.network().sessions().stream()
                            .filter(PeerSession::isOpen)
                            .sorted(java.util.Comparator.comparing(s -> s.peer().toString()))
                            .toList());
        }
        return out;
    }

    /** Partial (.part) and staged import files left in the node's partial directory. */
    private static List<Path> partials(Node n) {
        Path partial = n.config().dataDir().resolve("partial");
        if (!Files.isDirectory(partial)) {
            return List.of();
        }
        try (Stream<Path> files = Files.list(partial)) {
            return files.toList();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}

package io.swiftserve.cluster;

import static io.swiftserve.cluster.TestFiles.randomBytes;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.swiftserve.chain.FileEntry;
import io.swiftserve.daemon.Node;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Duration;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AutoClose;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * A watched folder is published once per settled change: not again while it is unchanged, not
 * again after a restart, and once for a change made while the daemon was stopped.
 */
@Timeout(value = 150, unit = TimeUnit.SECONDS)
class WatchedFolderTest {
    private static final Duration ARRIVE = Duration.ofSeconds(60);

    @TempDir
    Path dir;

    @AutoClose
    private TestCluster cluster;

    @Test
    void aChangeIsPublishedOnceAndNotAgainAfterARestart() throws Exception {
        cluster = TestCluster.converged(dir.resolve("cluster"), 1);
        Path src = dir.resolve("render");
        write(src.resolve("scenes/a.blend"), 300_000, 1);
        write(src.resolve("textures/t.png"), 20_000, 2);

        JsonNode first = cli("watch", src.toString(), "--debounce", "1s", "--json");
        assertThat(first.path("published").asBoolean()).as(first.toString()).isTrue();
        assertThat(version()).isEqualTo(1);
        awaitSame(src, 1);

        Files.write(src.resolve("textures/t.png"), randomBytes(5000, 3), StandardOpenOption.APPEND);
        // well before the once-a-minute walk: the kernel's notification started it
        awaitVersion(2, Duration.ofSeconds(20));
        awaitSame(src, 2);
        stays(2);

        cluster.stop(0);
        Node watcher = cluster.restart(0);
        watcher.folderWatcher().checkNow();
        stays(2);

        cluster.stop(0);
        write(src.resolve("scenes/b.blend"), 70_000, 4);
        cluster.restart(0);
        awaitVersion(3, ARRIVE);
        awaitSame(src, 3);
        stays(3);

        JsonNode list = cli("watch", "--json");
        assertThat(list.path("watches")).hasSize(1);
        assertThat(list.path("watches").get(0).path("state").asText()).isEqualTo("unchanged");
        cli("watch", "--stop", "render", "--json");
        Files.write(src.resolve("scenes/a.blend"), randomBytes(10, 5), StandardOpenOption.APPEND);
        cluster.node(0).folderWatcher().checkNow();
        cluster.node(0).folderWatcher().checkNow();
        assertThat(version()).as("no longer watched").isEqualTo(3);
        assertThat(cli("watch", "--json").path("watches")).isEmpty();
    }

    @Test
    void aFolderAtRestIsNotWalkedAndAChangeIsSeenAtOnce() throws Exception {
        cluster = TestCluster.converged(dir.resolve("cluster"), 1);
        Path src = dir.resolve("render");
        write(src.resolve("deep/er/a.bin"), 1000, 1);
        cli("watch", src.toString(), "--debounce", "1s", "--json");
        Node n = cluster.node(0);
        await("the first walk").atMost(ARRIVE).until(() -> n.folderWatcher().walks() > 0);
        long atRest = n.folderWatcher().walks();
        // six scan periods with nothing changed: the kernel reported nothing, so nothing was walked
        await().during(Duration.ofSeconds(3))
                .atMost(Duration.ofSeconds(10))
                .until(() -> n.folderWatcher().walks() == atRest);
        // a change in a directory made after the watch began is seen too
        write(src.resolve("deep/er/new/b.bin"), 2000, 2);
        awaitVersion(2, Duration.ofSeconds(20));
        write(src.resolve("deep/er/new/c.bin"), 3000, 3);
        awaitVersion(3, Duration.ofSeconds(20));
        awaitSame(src, 3);
    }

    @Test
    void theDataDirectoryAndAMissingFolderAreRefusedAndNotWatched() throws Exception {
        cluster = TestCluster.converged(dir.resolve("cluster"), 0);
        InProcessCli.Result own = InProcessCli.run(
                "watch",
                "--data",
                cluster.dataDir(0).toString(),
                cluster.dataDir(0).toString());
        assertThat(own.exitCode()).as(own.toString()).isEqualTo(1);
        assertThat(own.err()).contains("data directory").doesNotContain("Exception");
        InProcessCli.Result missing = InProcessCli.run(
                "watch",
                "--data",
                cluster.dataDir(0).toString(),
                dir.resolve("nope").toString());
        assertThat(missing.exitCode()).isEqualTo(2);
        assertThat(missing.err()).contains("not a directory");
        assertThat(cli("watch", "--json").path("watches")).isEmpty();
    }

    /** The version stays for several scans: the watcher does not publish an unchanged folder. */
    private void stays(long version) throws Exception {
        for (int i = 0; i < 3; i++) {
            cluster.node(0).folderWatcher().checkNow();
        }
        await().during(Duration.ofSeconds(2)).atMost(Duration.ofSeconds(10)).until(() -> version() == version);
    }

    private void awaitVersion(long version, Duration atMost) {
        await("version " + version + " published").atMost(atMost).until(() -> version() == version);
    }

    private void awaitSame(Path src, long version) {
        Node other = cluster.node(1);
        await("node 1 holds version " + version).atMost(ARRIVE).untilAsserted(() -> {
            FileEntry f = other.chain().state().file("render").orElseThrow();
            assertThat(f.version()).isEqualTo(version);
            assertThat(NodeFiles.isComplete(other, f.fileId())).isTrue();
            TreeClusterTest.assertSameTree(src, NodeFiles.shared(other, "render"));
        });
    }

    private long version() {
        return cluster.node(0)
                .chain()
                .state()
                .file("render")
                .map(FileEntry::version)
                .orElse(0L);
    }

    private JsonNode cli(String... args) throws IOException {
        String[] all = new String[args.length + 1];
        all[0] = args[0];
        all[1] = "--data=" + cluster.dataDir(0);
        System.arraycopy(args, 1, all, 2, args.length - 1);
        InProcessCli.Result r = InProcessCli.run(all);
        assertThat(r.exitCode()).as(r.toString()).isZero();
        try {
            return new ObjectMapper().readTree(String.join("\n", r.lines()));
        } catch (IOException e) {
            throw new AssertionError("not JSON: " + r, e);
        }
    }

    private static void write(Path file, int size, long seed) throws IOException {
        Files.createDirectories(file.getParent());
        Files.write(file, randomBytes(size, seed));
    }
}

package io.swiftserve.daemon;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeFalse;

import com.fasterxml.jackson.databind.JsonNode;
import io.swiftserve.chain.Hash;
import io.swiftserve.cluster.InProcessCli;
import io.swiftserve.cluster.NodeFiles;
import io.swiftserve.cluster.TestCluster;
import io.swiftserve.cluster.TestFiles;
import io.swiftserve.identity.KeyFile;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.AccessDeniedException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.AutoClose;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code add PATH} read by the daemon itself: it reaches the other nodes as a streamed add does, a
 * file changed while read publishes nothing, the data directory is refused, and what the daemon
 * cannot read is streamed instead (as is everything with {@code --stream}).
 */
@Timeout(value = 180, unit = TimeUnit.SECONDS)
class LocalAddTest {
    private static final Duration ARRIVE = Duration.ofSeconds(60);

    @TempDir
    Path dir;

    @AutoClose
    private TestCluster cluster;

    @AfterEach
    void restoreSeams() {
        LocalAdd.opener = Files::newInputStream;
        LocalAdd.afterRead = p -> {};
    }

    @Test
    void aLocalAddAndAStreamedAddReachAnotherNodeWithTheRightSha256() throws Exception {
        cluster = TestCluster.converged(dir.resolve("cluster"), 1);
        Path src = dir.resolve("model.bin");
        String sha = TestFiles.writeRandom(src, (5L << 20) + 123, 11);

        JsonNode local = add(src.toString(), "--json");
        assertThat(local.path("readBy").asText()).isEqualTo("daemon");
        assertThat(local.path("size").asLong()).isEqualTo((5L << 20) + 123);
        NodeFiles.awaitComplete(List.of(cluster.node(1)), NodeFiles.fileId(local), ARRIVE);
        NodeFiles.assertHolds(cluster.node(1), "model.bin", sha);

        JsonNode streamed = add(src.toString(), "--as", "streamed.bin", "--stream", "--json");
        assertThat(streamed.path("readBy").asText()).isEqualTo("stream");
        assertThat(streamed.has("streamedBecause")).isFalse();
        NodeFiles.awaitComplete(List.of(cluster.node(1)), NodeFiles.fileId(streamed), ARRIVE);
        NodeFiles.assertHolds(cluster.node(1), "streamed.bin", sha);
        // the same bytes, however they came in, make the same manifest
        assertThat(NodeFiles.entry(cluster.node(1), "streamed.bin").manifest())
                .isEqualTo(NodeFiles.entry(cluster.node(1), "model.bin").manifest());
    }

    @Test
    void aTreeReadByTheDaemonIsTheTreeTheCliStreams() throws Exception {
        cluster = TestCluster.converged(dir.resolve("cluster"), 0);
        Path tree = dir.resolve("site");
        Files.createDirectories(tree.resolve("a/empty"));
        Files.write(tree.resolve("a/big.bin"), TestFiles.randomBytes(1 << 20, 4));
        Files.writeString(tree.resolve("index.html"), "hi");
        Files.createSymbolicLink(tree.resolve("link"), Path.of("index.html"));

        InProcessCli.Result local = cli(tree.toString(), "--as", "local", "--json");
        assertThat(local.exitCode()).as(local.toString()).isZero();
        assertThat(local.errLines()).containsExactly("skipped: link -> symlink (not followed: index.html)");
        assertThat(local.out()).contains("\"readBy\" : \"daemon\"");
        InProcessCli.Result streamed = cli(tree.toString(), "--as", "streamed", "--stream", "--json");
        assertThat(streamed.exitCode()).as(streamed.toString()).isZero();
        assertThat(streamed.errLines()).containsExactly("skipped: link -> symlink (not followed: index.html)");
        assertThat(streamed.out()).contains("\"readBy\" : \"stream\"");
        Node node = cluster.node(0);
        assertThat(NodeFiles.entry(node, "local").manifest())
                .isEqualTo(NodeFiles.entry(node, "streamed").manifest());
    }

    @Test
    void aLocalAddReportsHowFarItHasReadWhileItRuns() throws Exception {
        cluster = TestCluster.converged(dir.resolve("cluster"), 0);
        Path src = dir.resolve("big.bin");
        TestFiles.writeRandom(src, 3L << 20, 6);
        io.swiftserve.admin.AdminClient admin = new io.swiftserve.admin.AdminClient(cluster.dataDir(0));
        java.util.concurrent.atomic.AtomicReference<JsonNode> during =
                new java.util.concurrent.atomic.AtomicReference<>();
        // read to the end, not yet published: what the CLI's progress bar asks for meanwhile
        LocalAdd.afterRead = p -> {
            try {
                during.set(admin.get("/add-progress", java.util.Map.of("progress", "bar-1")));
            } catch (Exception e) {
                throw new IllegalStateException(e);
            }
        };
        JsonNode added = admin.post(
                "/add-local",
                java.util.Map.of("source", src.toString(), "path", "big.bin", "progress", "bar-1"),
                Duration.ofSeconds(60));
        assertThat(added.path("size").asLong()).isEqualTo(3L << 20);
        assertThat(during.get()).as("progress while the add ran").isNotNull();
        assertThat(during.get().path("running").asBoolean()).isTrue();
        assertThat(during.get().path("read").asLong()).isEqualTo(3L << 20);
        assertThat(during.get().path("total").asLong()).isEqualTo(3L << 20);
        assertThat(admin.get("/add-progress", java.util.Map.of("progress", "bar-1"))
                        .path("running")
                        .asBoolean())
                .as("forgotten once the add returned")
                .isFalse();
    }

    @Test
    void aFileAppendedToWhileReadIsRefusedAndNothingIsPublished() throws Exception {
        cluster = TestCluster.converged(dir.resolve("cluster"), 0);
        Path src = dir.resolve("log.bin");
        TestFiles.writeRandom(src, 3L << 20, 5);
        LocalAdd.afterRead = p -> append(p);

        InProcessCli.Result r = cli(src.toString());
        assertThat(r.exitCode()).as(r.toString()).isNotZero();
        assertThat(r.errLines()).hasSize(1);
        assertThat(r.err()).contains("changed while being added; nothing was published");

        Path tree = dir.resolve("tree");
        Files.createDirectories(tree.resolve("sub"));
        Files.writeString(tree.resolve("sub/a.txt"), "a");
        InProcessCli.Result t = cli(tree.toString());
        assertThat(t.exitCode()).as(t.toString()).isNotZero();
        assertThat(t.err()).contains("a.txt changed while being added; nothing was published");

        Node node = cluster.node(0);
        assertThat(node.chain().state().file("log.bin")).isEmpty();
        assertThat(node.chain().state().file("tree")).isEmpty();
        try (Stream<Path> staged = Files.list(cluster.dataDir(0).resolve("partial"))) {
            assertThat(staged.map(p -> p.getFileName().toString())).noneMatch(n -> n.startsWith("import-"));
        }
    }

    @Test
    void pathsInsideTheDataDirectoryAreRefusedWithOneLine() throws Exception {
        cluster = TestCluster.converged(dir.resolve("cluster"), 0);
        Path key = cluster.dataDir(0).resolve(KeyFile.NAME);
        assertThat(key).exists();
        Path link = Files.createSymbolicLink(dir.resolve("innocent.bin"), key);

        for (Path p : List.of(key, link, cluster.dataDir(0).resolve("db"), dir.resolve("cluster"))) {
            // the daemon refuses what it would read, the CLI what it would stream
            for (String mode : List.of("--as", "--stream")) {
                InProcessCli.Result r = mode.equals("--as")
                        ? cli(p.toString(), "--as", "leak")
                        : cli(p.toString(), "--as", "leak", "--stream");
                assertThat(r.exitCode()).as(r.toString()).isNotZero();
                assertThat(r.errLines()).as(r.toString()).hasSize(1);
                assertThat(r.err()).contains("the node's data directory").contains("never published");
            }
        }
        assertThat(cluster.node(0).chain().state().file("leak")).isEmpty();
    }

    @Test
    void whatTheDaemonCannotOpenIsStreamedWithOneLineSayingWhy() throws Exception {
        cluster = TestCluster.converged(dir.resolve("cluster"), 1);
        Path src = dir.resolve("private.bin");
        String sha = TestFiles.writeRandom(src, 2L << 20, 3);
        // as a daemon under ProtectHome or another user would: the CLI can read it, the daemon not
        LocalAdd.opener = p -> {
            throw new AccessDeniedException(p.toString());
        };

        InProcessCli.Result text = cli(src.toString());
        assertThat(text.exitCode()).as(text.toString()).isZero();
        assertThat(text.errLines())
                .containsExactly("the daemon cannot read " + src + " (permission denied); sending its bytes instead");
        JsonNode json = add(src.toString(), "--as", "again.bin", "--json");
        assertThat(json.path("readBy").asText()).isEqualTo("stream");
        assertThat(json.path("streamedBecause").asText()).isEqualTo("permission denied");
        Hash id = NodeFiles.fileId(json);
        NodeFiles.awaitComplete(List.of(cluster.node(1)), id, ARRIVE);
        NodeFiles.assertHolds(cluster.node(1), "again.bin", sha);

        // a private /tmp shows the daemon another file at the same path: its device and inode differ
        LocalAdd.opener = Files::newInputStream;
        JsonNode other = new io.swiftserve.admin.AdminClient(cluster.dataDir(0))
                .post(
                        "/add-local",
                        java.util.Map.of("source", src.toString(), "path", "other.bin", "key", "(dev=0,ino=0)"),
                        NodeFiles.ADMIN_TIMEOUT);
        assertThat(other.path("unreadable").asText()).contains("another file at this path");
        assertThat(cluster.node(0).chain().state().file("other.bin")).isEmpty();
    }

    @Test
    void aFileTheDaemonMayNotReadIsNotReadByIt() throws Exception {
        cluster = TestCluster.converged(dir.resolve("cluster"), 0);
        Path src = dir.resolve("closed.bin");
        TestFiles.writeRandom(src, 1L << 20, 9);
        Files.setPosixFilePermissions(src, PosixFilePermissions.fromString("---------"));
        // root reads whatever the mode says: only a non-root run can show the daemon's refusal
        assumeFalse(Files.isReadable(src), "running as root: mode 000 does not stop reads");

        InProcessCli.Result r = cli(src.toString());
        // the daemon could not open it and said so; the CLI, the same user here, cannot read it either
        assertThat(r.errLines().get(0))
                .isEqualTo("the daemon cannot read " + src + " (permission denied); sending its bytes instead");
        assertThat(r.exitCode()).isNotZero();
        assertThat(r.err()).contains("is not readable");
        assertThat(cluster.node(0).chain().state().file("closed.bin")).isEmpty();
    }

    private InProcessCli.Result cli(String... args) {
        String[] all = Stream.concat(
                        Stream.of("add", "--data", cluster.dataDir(0).toString()), Stream.of(args))
                .toArray(String[]::new);
        return InProcessCli.run(all);
    }

    private JsonNode add(String... args) {
        String[] all = Stream.concat(
                        Stream.of("add", "--data", cluster.dataDir(0).toString()), Stream.of(args))
                .toArray(String[]::new);
        return InProcessCli.json(all);
    }

    private static void append(Path p) {
        try {
            Files.write(p, new byte[] {1, 2, 3}, StandardOpenOption.APPEND);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}

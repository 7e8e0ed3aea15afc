package io.swiftserve.cluster;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import io.swiftserve.chain.Hash;
import io.swiftserve.daemon.Node;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.junit.jupiter.api.AutoClose;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/** A directory published as one version: identical on every node, swapped atomically, removed by rm. */
@Timeout(value = 180, unit = TimeUnit.SECONDS)
class TreeClusterTest {
    private static final Duration ARRIVE = Duration.ofSeconds(60);

    @TempDir
    Path dir;

    @AutoClose
    private TestCluster cluster;

    @Test
    void aTreeArrivesIdenticalOnEveryNodeAndRmRemovesIt() throws Exception {
        cluster = TestCluster.converged(dir.resolve("cluster"), 2);
        Path src = dir.resolve("site");
        Files.createDirectories(src.resolve("docs/deep/er"));
        Files.createDirectories(src.resolve("empty"));
        Files.createDirectories(src.resolve("bin"));
        Files.write(src.resolve("docs/deep/er/big.bin"), TestFiles.randomBytes(3 << 20, 7));
        Files.writeString(src.resolve("docs/readme.txt"), "hello tree\n");
        Files.write(src.resolve("zero"), new byte[0]);
        Files.writeString(src.resolve("bin/run.sh"), "#!/bin/sh\necho run\n");
        Files.setPosixFilePermissions(src.resolve("bin/run.sh"), PosixFilePermissions.fromString("rwxr-x---"));
        Files.setLastModifiedTime(src.resolve("docs/readme.txt"), FileTime.fromMillis(1_600_000_000_123L));
        Files.setLastModifiedTime(src.resolve("empty"), FileTime.fromMillis(1_500_000_000_000L));
        Files.createSymbolicLink(src.resolve("link"), Path.of("/etc/passwd"));

        InProcessCli.Result add =
                InProcessCli.run("add", "--data", cluster.dataDir(0).toString(), src.toString(), "--json");
        assertThat(add.exitCode()).as(add.toString()).isZero();
        assertThat(add.errLines()).contains("skipped: link -> symlink (not followed: /etc/passwd)");
        JsonNode answer = new com.fasterxml.jackson.databind.ObjectMapper().readTree(String.join("\n", add.lines()));
        Hash id = Hash.parse(answer.path("fileId").asText());
        assertThat(answer.path("files").asInt()).isEqualTo(4);

        NodeFiles.awaitComplete(cluster.running(), id, ARRIVE);
        for (Node n : cluster.running()) {
            Path tree = NodeFiles.shared(n, "site");
            assertThat(Files.isSymbolicLink(tree)).isTrue();
            assertSameTree(src, tree);
            assertThat(Files.exists(tree.resolve("link"), LinkOption.NOFOLLOW_LINKS))
                    .isFalse();
        }

        JsonNode ls = InProcessCli.json("ls", "--data", cluster.dataDir(1).toString(), "site", "--json");
        List<String> paths = new ArrayList<>();
        ls.path("entries").forEach(e -> paths.add(e.path("path").asText()));
        assertThat(paths).containsExactly("bin/run.sh", "docs/deep/er/big.bin", "docs/readme.txt", "empty", "zero");
        assertThat(ls.path("entries").get(0).path("mode").asText()).isEqualTo("0755");
        JsonNode all = InProcessCli.json("ls", "--data", cluster.dataDir(2).toString(), "--json");
        assertThat(all.path("trees").path("site").asInt()).isEqualTo(4);

        JsonNode rm = InProcessCli.json("rm", "--data", cluster.dataDir(0).toString(), "site", "--json");
        assertThat(rm.path("keptAt").asText()).contains("versions");
        await("the tree gone on every node")
                .atMost(ARRIVE)
                .until(() -> cluster.running().stream()
                        .allMatch(n -> !Files.exists(NodeFiles.shared(n, "site"), LinkOption.NOFOLLOW_LINKS)
                                && !Files.exists(NodeFiles.shared(n, ".swiftserve-trees/site"))));
        assertThat(Path.of(rm.path("keptAt").asText()).resolve("docs/readme.txt"))
                .hasContent("hello tree\n");
    }

    /** Same files, bytes, modes and times; same empty directories. */
    static void assertSameTree(Path expected, Path actual) throws IOException {
        List<String> want = listing(expected);
        assertThat(listing(actual)).isEqualTo(want);
    }

    private static List<String> listing(Path root) throws IOException {
        Path real = root.toRealPath();
        List<String> out = new ArrayList<>();
        try (Stream<Path> s = Files.walk(real)) {
            for (Path p : s.sorted().toList()) {
                if (p.equals(real) || Files.isSymbolicLink(p)) {
                    continue;
                }
                String rel = real.relativize(p).toString();
                if (Files.isDirectory(p)) {
                    boolean empty;
                    try (Stream<Path> c = Files.list(p)) {
                        empty = c.findAny().isEmpty();
                    }
                    if (empty) {
                        out.add(rel + "/ " + Files.getLastModifiedTime(p).toMillis());
                    }
                    continue;
                }
                boolean exec = Files.getPosixFilePermissions(p)
                        .contains(java.nio.file.attribute.PosixFilePermission.OWNER_EXECUTE);
                out.add(rel + " " + TestFiles.sha256(p) + " " + (exec ? "x" : "-") + " "
                        + Files.getLastModifiedTime(p).toMillis());
            }
        }
        return out;
    }
}

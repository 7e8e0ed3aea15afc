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
        InProcessCli.Result text =
                InProcessCli.run("ls", "--data", cluster.dataDir(1).toString(), "site");
        assertThat(text.lines())
                .anySatisfy(l -> assertThat(l).startsWith("0755").endsWith("bin/run.sh"))
                .anySatisfy(l -> assertThat(l).startsWith("dir").endsWith("empty/"));
        assertThat(InProcessCli.run("ls", "--data", cluster.dataDir(1).toString())
                        .lines())
                .anySatisfy(l -> assertThat(l).startsWith("site/ (4 files)"));
        Files.createDirectories(dir.resolve("nothing"));
        InProcessCli.Result empty = InProcessCli.run(
                "add",
                "--data",
                cluster.dataDir(0).toString(),
                dir.resolve("nothing").toString());
        assertThat(empty.exitCode()).isNotZero();
        assertThat(empty.err()).contains("holds nothing to publish");
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

    @Test
    void aSecondVersionSwapsAtomicallyForAReaderOfTheTree() throws Exception {
        cluster = TestCluster.converged(dir.resolve("cluster"), 1);
        Path src = dir.resolve("pair");
        Files.createDirectories(src.resolve("sub"));
        byte[] padding = TestFiles.randomBytes(1 << 20, 3);
        Files.write(src.resolve("sub/padding.bin"), padding);
        Files.writeString(src.resolve("a.txt"), "v1");
        Files.writeString(src.resolve("b.txt"), "v1");
        Hash v1 = addTree(0, src);
        Node reader = cluster.node(1);
        NodeFiles.awaitComplete(List.of(reader), v1, ARRIVE);

        Path link = NodeFiles.shared(reader, "pair");
        List<String> mixes = java.util.Collections.synchronizedList(new ArrayList<>());
        java.util.Set<String> seen = java.util.concurrent.ConcurrentHashMap.newKeySet();
        java.util.concurrent.atomic.AtomicInteger reads = new java.util.concurrent.atomic.AtomicInteger();
        java.util.concurrent.atomic.AtomicBoolean stop = new java.util.concurrent.atomic.AtomicBoolean();
        Thread t = new Thread(() -> {
            while (!stop.get()) {
                try {
                    // as a reader of a deploy directory does: resolve the name once, then read inside it
                    Path version = link.toRealPath();
                    String a = Files.readString(version.resolve("a.txt"));
                    String b = Files.readString(version.resolve("b.txt"));
                    if (!a.equals(b)) {
                        mixes.add(a + "/" + b);
                    }
                    seen.add(a);
                    reads.incrementAndGet();
                } catch (IOException e) {
                    mixes.add("unreadable: " + e);
                }
            }
        });
        t.start();
        try {
            await("reads of v1").atMost(ARRIVE).until(() -> reads.get() > 50);
            Files.writeString(src.resolve("a.txt"), "v2");
            Files.writeString(src.resolve("b.txt"), "v2");
            Hash v2;
            try (LogCapture logs = LogCapture.of("io.swiftserve.transfer")) {
                v2 = addTree(0, src);
                NodeFiles.awaitComplete(List.of(reader), v2, ARRIVE);
                // same-size edits keep every chunk boundary: the padding's chunks come from the disk
                await("chunks of v2 reused from v1")
                        .atMost(ARRIVE)
                        .until(() -> logs.containing("chunks reused from earlier versions on this node").stream()
                                .anyMatch(l -> l.startsWith("pair v2: ") && !l.contains(": 0 of")));
            }
            int at = reads.get();
            await("reads of v2").atMost(ARRIVE).until(() -> seen.contains("v2") && reads.get() > at + 50);
        } finally {
            stop.set(true);
            t.join(10_000);
        }
        assertThat(mixes).as("reads that mixed two versions").isEmpty();
        assertThat(seen).containsExactlyInAnyOrder("v1", "v2");
        assertThat(Files.readString(link.resolve("a.txt"))).isEqualTo("v2");
        assertThat(link.resolve("sub/padding.bin")).hasBinaryContent(padding);
    }

    @Test
    void aTraversalInsideATreeIsRefusedOnEveryNode() throws Exception {
        cluster = TestCluster.converged(dir.resolve("cluster"), 2);
        LogCapture logs = LogCapture.of("io.swiftserve.transfer");
        try (logs) {
            // through the admin channel, as a modified CLI would send it: refused before anything is published
            byte[] list = io.swiftserve.chain.TreeEntry.encode(List.of(
                    new io.swiftserve.chain.TreeEntry("ok.txt", 2, 0644, 0, false),
                    new io.swiftserve.chain.TreeEntry("../../../../escape.txt", 2, 0644, 0, false)));
            byte[] body = new byte[list.length + 4];
            System.arraycopy(list, 0, body, 0, list.length);
            var admin = new io.swiftserve.admin.AdminClient(cluster.dataDir(0));
            org.assertj.core.api.Assertions.assertThatThrownBy(() -> admin.upload(
                            "/add-tree",
                            java.util.Map.of("path", "evil", "size", "4", "entries", Integer.toString(list.length)),
                            body.length,
                            () -> new java.io.ByteArrayInputStream(body),
                            Duration.ofSeconds(30)))
                    .hasMessageContaining("refusing tree 'evil'")
                    .hasMessageContaining("'..'");
            assertThat(cluster.node(0).chain().state().file("evil")).isEmpty();

            // a member that signs such a tree anyway: every node refuses its manifest
            byte[] bytes = io.swiftserve.proto.Manifest.newBuilder()
                    .setFormat(io.swiftserve.chain.Manifest.FORMAT)
                    .setSize(0)
                    .setChunkSize(io.swiftserve.chain.TransactionRules.MIN_CHUNK_SIZE)
                    .addEntries(io.swiftserve.proto.ManifestEntry.newBuilder()
                            .setPath("ok.txt")
                            .setMode(0644))
                    .addEntries(io.swiftserve.proto.ManifestEntry.newBuilder()
                            .setPath("../../../../escape.txt")
                            .setMode(0644))
                    .build()
                    .toByteArray();
            var manifest = io.swiftserve.chain.Manifest.parse(bytes, Hash.sha256(bytes));
            Node founder = cluster.node(0);
            founder.transfer().manifests().put(manifest);
            var tx = new io.swiftserve.chain.Transactions(
                            founder.key(), founder.chain().networkId(), founder.clock())
                    .fileAdd("evil", manifest, 1);
            founder.gossip().submit(tx).get(10, TimeUnit.SECONDS);
            founder.gossip().sealNow().get(10, TimeUnit.SECONDS);
            for (Node n : cluster.running()) {
                NodeFiles.awaitLedgerEntry(n, "evil", ARRIVE);
            }
            await("the tree refused on every node")
                    .atMost(ARRIVE)
                    .until(() -> logs.containing("evil v1 cannot be fetched").size() >= cluster.size());
            for (Node n : cluster.running()) {
                assertThat(NodeFiles.state(n, tx.id())).isEqualTo("absent");
                assertThat(NodeFiles.shared(n, "evil")).doesNotExist();
                assertThat(NodeFiles.shared(n, ".swiftserve-trees/evil")).doesNotExist();
            }
            try (Stream<Path> s = Files.walk(dir)) {
                assertThat(s.filter(p -> p.getFileName().toString().contains("escape")))
                        .isEmpty();
            }
        }
    }

    @Test
    void aRestartedNodeKeepsItsTreeAndADeletedLinkComesBack() throws Exception {
        cluster = TestCluster.converged(dir.resolve("cluster"), 1);
        Path src = dir.resolve("kit");
        Files.createDirectories(src.resolve("lib"));
        Files.write(src.resolve("lib/core.bin"), TestFiles.randomBytes(2 << 20, 11));
        Files.writeString(src.resolve("VERSION"), "1.0\n");
        Hash id = addTree(0, src);
        NodeFiles.awaitComplete(cluster.running(), id, ARRIVE);

        cluster.stop(1);
        Node again;
        try (LogCapture logs = LogCapture.of("io.swiftserve.transfer")) {
            again = cluster.restart(1);
            NodeFiles.awaitComplete(List.of(again), id, ARRIVE);
            assertThat(logs.containing("file queued: kit"))
                    .as("not fetched again")
                    .isEmpty();
        }
        Path link = NodeFiles.shared(again, "kit");
        assertSameTree(src, link);

        Files.delete(link);
        await("the tree written out again")
                .atMost(ARRIVE)
                .until(() -> Files.isSymbolicLink(link) && Files.isRegularFile(link.resolve("VERSION")));
        assertSameTree(src, link);
        assertThat(NodeFiles.isComplete(again, id)).isTrue();
    }

    @Test
    void aPathGoesFromFileToTreeAndBack() throws Exception {
        cluster = TestCluster.converged(dir.resolve("cluster"), 1);
        Node member = cluster.node(1);
        Path link = NodeFiles.shared(member, "x");
        Hash file = NodeFiles.add(cluster.node(0), "x", "a file\n".getBytes());
        NodeFiles.awaitComplete(List.of(member), file, ARRIVE);

        Path src = dir.resolve("x");
        Files.createDirectories(src.resolve("in"));
        Files.writeString(src.resolve("in/side.txt"), "a tree\n");
        Hash tree = addTree(0, src);
        NodeFiles.awaitComplete(List.of(member), tree, ARRIVE);
        assertThat(Files.isSymbolicLink(link)).isTrue();
        assertSameTree(src, link);
        try (Stream<Path> kept = Files.list(cluster.dataDir(1).resolve("versions"))) {
            assertThat(kept.map(p -> p.getFileName().toString())).anyMatch(n -> n.startsWith("x~"));
        }

        // the chain's rule for files holds for trees: no path inside another
        org.assertj.core.api.Assertions.assertThatThrownBy(
                        () -> NodeFiles.add(cluster.node(0), "x/in/side.txt", "no\n".getBytes()))
                .hasMessageContaining("would be inside file x");

        Hash again = NodeFiles.add(cluster.node(0), "x", "a file again\n".getBytes());
        NodeFiles.awaitComplete(List.of(member), again, ARRIVE);
        assertThat(Files.isSymbolicLink(link)).isFalse();
        assertThat(link).hasContent("a file again\n");
        assertThat(NodeFiles.shared(member, ".swiftserve-trees/x")).doesNotExist();
        try (Stream<Path> kept = Files.list(cluster.dataDir(1).resolve("versions"))) {
            assertThat(kept.filter(p -> p.getFileName().toString().startsWith("x~")))
                    .anyMatch(p -> Files.isRegularFile(p.resolve("in/side.txt")));
        }
    }

    @Test
    void aTreeOfNothingButEmptyThingsArrives() throws Exception {
        cluster = TestCluster.converged(dir.resolve("cluster"), 1);
        Path src = dir.resolve("skeleton");
        Files.createDirectories(src.resolve("logs"));
        Files.write(src.resolve("lock"), new byte[0]);
        Hash id = addTree(0, src);
        NodeFiles.awaitComplete(cluster.running(), id, ARRIVE);
        for (Node n : cluster.running()) {
            assertSameTree(src, NodeFiles.shared(n, "skeleton"));
        }
    }

    private Hash addTree(int node, Path src) {
        InProcessCli.Result add =
                InProcessCli.run("add", "--data", cluster.dataDir(node).toString(), src.toString(), "--json");
        assertThat(add.exitCode()).as(add.toString()).isZero();
        try {
            return Hash.parse(new com.fasterxml.jackson.databind.ObjectMapper()
                    .readTree(String.join("\n", add.lines()))
                    .path("fileId")
                    .asText());
        } catch (IOException e) {
            throw new AssertionError(add.toString(), e);
        }
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

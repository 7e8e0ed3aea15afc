package io.swiftserve.transfer;

import static io.swiftserve.cluster.NodeFiles.assertHolds;
import static io.swiftserve.cluster.NodeFiles.awaitComplete;
import static io.swiftserve.cluster.NodeFiles.shared;
import static io.swiftserve.cluster.TestFiles.MIB;
import static io.swiftserve.cluster.TestFiles.randomBytes;
import static io.swiftserve.cluster.TestFiles.sha256;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import io.swiftserve.chain.Hash;
import io.swiftserve.cluster.InProcessCli;
import io.swiftserve.cluster.NodeFiles;
import io.swiftserve.cluster.TestCluster;
import io.swiftserve.daemon.Node;
import java.io.IOException;
import java.io.RandomAccessFile;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.junit.jupiter.api.AutoClose;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * A file edited, deleted or added under a node's share directory is noticed while the node runs and
 * is never lost without a trace: an edit is kept aside and the network's version restored (or, with
 * keep-local, kept and no longer served), a deletion restored, an added file reported and left alone.
 */
@Timeout(value = 120, unit = TimeUnit.SECONDS)
class LocalChangesTest {
    /** The directory watch finds a change in moments; the periodic scan (3 s here) bounds it when inotify is short. */
    private static final Duration NOTICED = Duration.ofSeconds(10);

    @TempDir
    Path dir;

    @AutoClose
    private TestCluster cluster;

    private void start(LocalPolicy.OnChange onChange) {
        LocalPolicy policy = LocalPolicy.DEFAULT.withOnChange(onChange).withScanEvery(Duration.ofSeconds(3));
        cluster = TestCluster.converged(dir.resolve("cluster"), 1, c -> c.withLocalChanges(policy));
    }

    @Test
    void anEditIsKeptAsideAndTheNetworksVersionRestoredFromTheChunksItLeftAlone() throws Exception {
        start(LocalPolicy.OnChange.KEEP_ASIDE);
        byte[] content = randomBytes(3 * MIB + 5, 1);
        Hash id = NodeFiles.add(cluster.node(0), "docs/a.bin", content);
        awaitComplete(cluster.running(), id, Duration.ofSeconds(60));
        Node edited = cluster.node(1);
        Path file = shared(edited, "docs/a.bin");

        // same size, first bytes changed: a size check alone would go on serving it
        try (RandomAccessFile raf = new RandomAccessFile(file.toFile(), "rw")) {
            raf.write("edited here".getBytes(java.nio.charset.StandardCharsets.UTF_8));
        }
        String editedSha = sha256(file);

        Path kept = await("the edit kept aside")
                .atMost(NOTICED)
                .until(() -> conflictCopies(file.getParent()), l -> !l.isEmpty())
                .get(0);
        assertThat(sha256(kept)).as("the kept-aside copy is the user's edit").isEqualTo(editedSha);
        await("the network's version restored")
                .atMost(Duration.ofSeconds(30))
                .until(() -> NodeFiles.isComplete(edited, id) && Files.isRegularFile(file));
        assertHolds(edited, "docs/a.bin", sha256(content));

        JsonNode ls = json("ls", edited);
        assertThat(ls.path("files").get(0).path("localChange").asText())
                .as("ls --json")
                .startsWith("modified")
                .contains(kept.getFileName().toString());
        assertThat(ls.path("localFiles").toString())
                .contains("conflict")
                .contains(kept.getFileName().toString());
        InProcessCli.Result status =
                InProcessCli.run("status", "--data", cluster.dataDir(1).toString());
        assertThat(status.lines())
                .as("status")
                .anyMatch(l -> l.contains("docs/a.bin") && l.contains("locally changed"));

        // the next version goes on to replace the restored copy; the kept-aside edit stays where it is
        assertThat(conflictCopies(file.getParent())).containsExactly(kept);
    }

    @Test
    void aDeletedFileComesBackAndAnAddedFileIsReportedAndNeverDeleted() throws Exception {
        start(LocalPolicy.OnChange.KEEP_ASIDE);
        byte[] content = randomBytes(MIB + 7, 2);
        Hash id = NodeFiles.add(cluster.node(0), "b.bin", content);
        awaitComplete(cluster.running(), id, Duration.ofSeconds(60));
        Node n = cluster.node(1);
        Path added = shared(n, "mine/notes.txt");
        Files.createDirectories(added.getParent());
        Files.writeString(added, "not the network's");

        Files.delete(shared(n, "b.bin"));
        await("the deleted file restored")
                .atMost(NOTICED)
                .until(() -> Files.isRegularFile(shared(n, "b.bin")) && NodeFiles.isComplete(n, id));
        assertHolds(n, "b.bin", sha256(content));
        await("the added file reported")
                .atMost(NOTICED)
                .until(() -> json("ls", n).path("localFiles").toString(), s -> s.contains("mine/notes.txt"));
        assertThat(json("ls", n).path("localFiles").get(0).path("kind").asText())
                .isEqualTo("added");

        // reconciles after head changes must leave it alone
        Hash other = NodeFiles.add(cluster.node(0), "c.bin", randomBytes(1000, 3));
        awaitComplete(cluster.running(), other, Duration.ofSeconds(60));
        InProcessCli.Result rm =
                InProcessCli.run("rm", "--data", cluster.dataDir(0).toString(), "c.bin");
        assertThat(rm.exitCode()).as("%s", rm).isZero();
        await().atMost(NOTICED).until(() -> !Files.exists(shared(n, "c.bin")));
        assertThat(added).hasContent("not the network's");
    }

    @Test
    void keepLocalLeavesTheEditInPlaceUnservedUntilItIsDeleted() throws Exception {
        start(LocalPolicy.OnChange.KEEP_LOCAL);
        byte[] content = randomBytes(2 * MIB, 4);
        Hash id = NodeFiles.add(cluster.node(0), "k.bin", content);
        awaitComplete(cluster.running(), id, Duration.ofSeconds(60));
        Node n = cluster.node(1);
        Path file = shared(n, "k.bin");
        Files.writeString(file, "my own version");

        await("the edit noticed and withdrawn")
                .atMost(NOTICED)
                .until(
                        () -> json("ls", n)
                                .path("files")
                                .get(0)
                                .path("localChange")
                                .asText(),
                        s -> s.contains("kept here"));
        assertThat(n.transfer().holds(id)).as("no longer claimed as held").isFalse();
        await("the seed told that node 1 holds none of it any more")
                .atMost(NOTICED)
                .until(() -> cluster.node(0)
                                .transfer()
                                .progress(id)
                                .orElseThrow()
                                .peers()
                                .getOrDefault(n.key().id(), 0)
                        == 0);
        assertThat(file).hasContent("my own version");
        assertThat(conflictCopies(file.getParent())).isEmpty();

        Files.delete(file);
        await("deleting the edit brings the network's version back")
                .atMost(Duration.ofSeconds(30))
                .until(() -> NodeFiles.isComplete(n, id) && Files.isRegularFile(file));
        assertHolds(n, "k.bin", sha256(content));
    }

    @Test
    void editsMadeWhileTheNodeWasStoppedAreKeptAsideAtStart() throws Exception {
        start(LocalPolicy.OnChange.KEEP_ASIDE);
        byte[] same = randomBytes(MIB + 1, 5);
        byte[] grown = randomBytes(MIB + 2, 6);
        Hash sameId = NodeFiles.add(cluster.node(0), "s/same.bin", same);
        Hash grownId = NodeFiles.add(cluster.node(0), "s/grown.bin", grown);
        awaitComplete(cluster.running(), sameId, Duration.ofSeconds(60));
        awaitComplete(cluster.running(), grownId, Duration.ofSeconds(60));
        Path sameFile = shared(cluster.node(1), "s/same.bin");
        Path grownFile = shared(cluster.node(1), "s/grown.bin");
        cluster.stop(1);

        try (RandomAccessFile raf = new RandomAccessFile(sameFile.toFile(), "rw")) {
            raf.seek(MIB / 2);
            raf.write(new byte[] {1, 2, 3}); // same size: the start-up scan's mtime comparison finds it
        }
        Files.write(grownFile, new byte[] {9}, java.nio.file.StandardOpenOption.APPEND); // another size: a re-fetch
        String sameEdit = sha256(sameFile);
        String grownEdit = sha256(grownFile);

        Node n = cluster.restart(1);
        await("both edits kept aside and both files restored")
                .atMost(Duration.ofSeconds(30))
                .until(() -> conflictCopies(sameFile.getParent()).size() == 2
                        && NodeFiles.isComplete(n, sameId)
                        && NodeFiles.isComplete(n, grownId));
        assertHolds(n, "s/same.bin", sha256(same));
        assertHolds(n, "s/grown.bin", sha256(grown));
        assertThat(conflictCopies(sameFile.getParent()).stream().map(p -> sha256(p)))
                .containsExactlyInAnyOrder(sameEdit, grownEdit);
    }

    private static List<Path> conflictCopies(Path dir) throws IOException {
        try (Stream<Path> s = Files.list(dir)) {
            return s.filter(p -> p.getFileName().toString().contains(".swiftserve-conflict-"))
                    .toList();
        }
    }

    private JsonNode json(String command, Node n) throws IOException {
        int i = cluster.running().indexOf(n);
        return InProcessCli.json(command, "--data", cluster.dataDir(i).toString(), "--json");
    }
}

package io.swiftserve.cluster;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import io.swiftserve.chain.FileEntry;
import io.swiftserve.chain.Hash;
import io.swiftserve.chain.Placement;
import io.swiftserve.daemon.Node;
import io.swiftserve.identity.NodeId;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AutoClose;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/** Placement on real nodes: labels, add --to, add --replicas, get and where, through the CLI. */
@Timeout(value = 150, unit = TimeUnit.SECONDS)
class PlacementClusterTest {
    private static final Duration LIMIT = Duration.ofSeconds(60);

    @TempDir
    Path dir;

    @AutoClose
    private TestCluster cluster;

    private String data(int i) {
        return cluster.dataDir(i).toString();
    }

    private static void ok(InProcessCli.Result r) {
        assertThat(r.exitCode()).as("%s", r).isZero();
    }

    /** Node 1 outside the target never opens the version, within a few seconds of it being complete elsewhere. */
    private static void assertNeverOpens(Node n, Hash fileId, String path) {
        await("no download of " + path + " on " + n.key().id().shortId())
                .during(Duration.ofSeconds(3))
                .atMost(Duration.ofSeconds(10))
                .until(() -> !n.transfer().tracks(fileId) && !Files.exists(NodeFiles.shared(n, path)));
    }

    @Test
    void aLabelledVersionGoesOnlyToItsLabelAndGetBringsItToAnotherMember() throws Exception {
        cluster = TestCluster.converged(dir, 2);
        Node publisher = cluster.node(0);
        Node gpu = cluster.node(1);
        Node other = cluster.node(2);
        ok(InProcessCli.run("label", "--data", data(0), gpu.key().id().toString(), "+gpu", "+lab2"));
        ok(InProcessCli.run("label", "--data", data(0), gpu.key().id().toString(), "-lab2"));
        cluster.awaitSameHead();
        assertThat(other.chain().state().labels(gpu.key().id())).containsExactly("gpu");
        InProcessCli.Result earlier =
                InProcessCli.run("label", "--data", data(2), gpu.key().id().toString(), "+x");
        assertThat(earlier.exitCode()).as("%s", earlier).isNotZero();
        assertThat(earlier.errLines()).hasSize(1);
        assertThat(earlier.err()).contains("who joined earlier");
        InProcessCli.Result badSyntax =
                InProcessCli.run("label", "--data", data(0), gpu.key().id().toString(), "+GPU");
        assertThat(badSyntax.exitCode()).as("%s", badSyntax).isNotZero();
        assertThat(badSyntax.err()).contains("not 1 to 32 of a-z");
        JsonNode labels = InProcessCli.json("label", "--data", data(2), "--json");
        assertThat(labels.path("members")).hasSize(3);

        Path source = dir.resolve("model.bin");
        String sha = TestFiles.writeRandom(source, 3L * TestFiles.MIB + 17, 7);
        InProcessCli.Result added =
                InProcessCli.run("add", "--data", data(0), "--to", "gpu", source.toString(), "--as", "m/model.bin");
        ok(added);
        assertThat(added.out()).contains("held by 2 members");
        Hash fileId = NodeFiles.entry(publisher, "m/model.bin").fileId();
        NodeFiles.awaitComplete(List.of(publisher, gpu), fileId, LIMIT);
        NodeFiles.assertHolds(gpu, "m/model.bin", sha);
        assertNeverOpens(other, fileId, "m/model.bin");

        JsonNode where = InProcessCli.json("where", "--data", data(0), "--json", "m/model.bin");
        List<String> holders = new ArrayList<>();
        where.path("holders").forEach(h -> holders.add(h.path("nodeId").asText()));
        assertThat(holders)
                .containsExactly(publisher.key().id().toString(), gpu.key().id().toString());
        where.path("holders").forEach(h -> assertThat(h.path("state").asText()).isEqualTo("complete"));
        assertThat(InProcessCli.json("where", "--data", data(2), "--json", "m/model.bin")
                        .path("self")
                        .path("placedHere")
                        .asBoolean())
                .isFalse();

        InProcessCli.Result whereText = InProcessCli.run("where", "--data", data(0), "m/model.bin");
        ok(whereText);
        assertThat(whereText.lines().get(0))
                .startsWith("m/model.bin v1 (")
                .endsWith("): members labelled any of gpu, plus the publisher");
        assertThat(whereText.out()).contains("publisher complete").contains("target    complete");
        InProcessCli.Result labelText = InProcessCli.run("label", "--data", data(0));
        ok(labelText);
        assertThat(labelText.out()).contains(gpu.key().id().toString().substring(0, 12) + "   gpu");

        Path out = Files.createDirectories(dir.resolve("out"));
        InProcessCli.Result got = InProcessCli.run("get", "--data", data(2), "--to", out.toString(), "m/model.bin");
        ok(got);
        assertThat(TestFiles.sha256(out.resolve("model.bin"))).isEqualTo(sha);

        // a member that gains a label starts holding what it selects; one that loses it lets its copy go
        Path second = dir.resolve("second.bin");
        String sha2 = TestFiles.writeRandom(second, TestFiles.MIB + 3, 8);
        ok(InProcessCli.run("add", "--data", data(1), "--to", "lab3", second.toString()));
        Hash secondId = NodeFiles.entry(gpu, "second.bin").fileId();
        assertNeverOpens(other, secondId, "second.bin");
        assertThat(InProcessCli.run("ls", "--data", data(2)).out()).contains("held by other members");
        ok(InProcessCli.run("label", "--data", data(0), other.key().id().toString(), "+lab3"));
        NodeFiles.awaitComplete(List.of(other), secondId, LIMIT);
        NodeFiles.assertHolds(other, "second.bin", sha2);
        ok(InProcessCli.run("label", "--data", data(0), other.key().id().toString(), "-lab3"));
        await("second.bin released on " + other.key().id().shortId())
                .atMost(LIMIT)
                .until(() ->
                        !other.transfer().tracks(secondId) && !Files.exists(NodeFiles.shared(other, "second.bin")));
        assertThat(NodeFiles.isComplete(gpu, secondId))
                .as("the publisher keeps its copy")
                .isTrue();

        InProcessCli.Result missing = InProcessCli.run("get", "--data", data(2), "--to", out.toString(), "nope.bin");
        assertThat(missing.exitCode()).isNotZero();
        assertThat(missing.errLines()).hasSize(1);
        assertThat(missing.err()).contains("no file 'nope.bin'");
    }

    @Test
    void replicasPickTwoMembersAndAnotherTakesOverWhenAHolderIsRevoked() throws Exception {
        cluster = TestCluster.converged(dir, 3);
        Node publisher = cluster.node(0);
        Path source = dir.resolve("data.bin");
        String sha = TestFiles.writeRandom(source, 2L * TestFiles.MIB + 5, 11);
        ok(InProcessCli.run("add", "--data", data(0), "--replicas", "2", source.toString()));
        FileEntry f = NodeFiles.entry(publisher, "data.bin");
        List<NodeId> chosen = Placement.of(publisher.chain().state()).chosen(f);
        assertThat(chosen).hasSize(2);
        List<Node> holders = new ArrayList<>();
        List<Node> others = new ArrayList<>();
        for (Node n : cluster.running()) {
            (n == publisher || chosen.contains(n.key().id()) ? holders : others).add(n);
        }
        NodeFiles.awaitComplete(holders, f.fileId(), LIMIT);
        for (Node n : holders) {
            NodeFiles.assertHolds(n, "data.bin", sha);
        }
        for (Node n : others) {
            assertNeverOpens(n, f.fileId(), "data.bin");
        }

        // the founder cannot be revoked: revoke a chosen member that is not the publisher
        NodeId gone = chosen.stream()
                .filter(id -> !id.equals(publisher.key().id()))
                .findFirst()
                .orElseThrow();
        ok(InProcessCli.run("revoke", "--data", data(0), gone.toString()));
        List<NodeId> now = Placement.of(publisher.chain().state()).chosen(f);
        assertThat(now).hasSize(2).doesNotContain(gone);
        List<Node> newHolders = cluster.running().stream()
                .filter(n ->
                        now.contains(n.key().id()) && !chosen.contains(n.key().id()))
                .toList();
        if (!now.contains(publisher.key().id())
                && chosen.contains(publisher.key().id())) {
            throw new AssertionError("the publisher cannot leave the chosen set by another's revoke");
        }
        assertThat(newHolders).as("a member takes the revoked holder's place").hasSize(1);
        NodeFiles.awaitComplete(newHolders, f.fileId(), LIMIT);
        NodeFiles.assertHolds(newHolders.get(0), "data.bin", sha);
    }

    @Test
    void aVersionGotHereStaysHeldAcrossARestart() throws Exception {
        cluster = TestCluster.converged(dir, 1);
        Path source = dir.resolve("solo.bin");
        String sha = TestFiles.writeRandom(source, TestFiles.MIB + 1, 21);
        // no member carries the label: the publisher alone holds it
        ok(InProcessCli.run("add", "--data", data(0), "--to", "nobody", source.toString()));
        Hash fileId = NodeFiles.entry(cluster.node(0), "solo.bin").fileId();
        assertNeverOpens(cluster.node(1), fileId, "solo.bin");
        Path out = Files.createDirectories(dir.resolve("out"));
        ok(InProcessCli.run("get", "--data", data(1), "--to", out.toString(), "solo.bin"));
        assertThat(TestFiles.sha256(out.resolve("solo.bin"))).isEqualTo(sha);
        NodeFiles.assertHolds(cluster.node(1), "solo.bin", sha);

        cluster.stop(1);
        Node again = cluster.restart(1);
        cluster.awaitConverged();
        await("solo.bin held again after the restart")
                .during(Duration.ofSeconds(2))
                .atMost(LIMIT)
                .until(() -> NodeFiles.isComplete(again, fileId));
        NodeFiles.assertHolds(again, "solo.bin", sha);
        JsonNode where = InProcessCli.json("where", "--data", data(1), "--json", "solo.bin");
        assertThat(where.path("self").path("gotHere").asBoolean()).isTrue();
        assertThat(where.path("self").path("placedHere").asBoolean()).isFalse();
    }
}

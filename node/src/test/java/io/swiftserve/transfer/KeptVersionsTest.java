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
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AutoClose;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * A version replaced by a newer one, or deleted with rm, goes to the node's DIR/versions, where
 * {@code swiftserve versions} lists it (daemon running or not) and restores it; rm says where it went.
 */
@Timeout(value = 120, unit = TimeUnit.SECONDS)
class KeptVersionsTest {

    @TempDir
    Path dir;

    @AutoClose
    private TestCluster cluster;

    @Test
    void replacedAndDeletedVersionsAreKeptListedAndRestorable() throws Exception {
        cluster = TestCluster.converged(dir.resolve("cluster"), 1);
        byte[] v1 = randomBytes(MIB + 11, 1);
        byte[] v2 = randomBytes(2 * MIB + 3, 2);
        Hash id1 = NodeFiles.add(cluster.node(0), "r/f.bin", v1);
        awaitComplete(cluster.running(), id1, Duration.ofSeconds(60));
        Hash id2 = NodeFiles.add(cluster.node(0), "r/f.bin", v2);
        awaitComplete(cluster.running(), id2, Duration.ofSeconds(60));
        assertHolds(cluster.node(1), "r/f.bin", sha256(v2));

        for (int i = 0; i < 2; i++) {
            JsonNode list = versions(i);
            assertThat(list.path("versions")).as("versions of node %d", i).hasSize(1);
            Path old = Path.of(list.path("versions").get(0).path("file").asText());
            assertThat(old).startsWith(cluster.dataDir(i).resolve("versions"));
            assertThat(sha256(old)).as("node %d kept version 1", i).isEqualTo(sha256(v1));
        }

        InProcessCli.Result rm =
                InProcessCli.run("rm", "--data", cluster.dataDir(0).toString(), "r/f.bin");
        assertThat(rm.exitCode()).as("%s", rm).isZero();
        assertThat(rm.lines())
                .as("rm says where the copy went")
                .anyMatch(l -> l.contains("kept as " + cluster.dataDir(0).resolve("versions")));
        await("node 1 keeps its copy too")
                .atMost(Duration.ofSeconds(20))
                .until(() -> versions(1).path("versions").size() == 2);
        assertThat(shared(cluster.node(1), "r/f.bin")).doesNotExist();

        cluster.stop(1); // listing and restoring need no daemon
        JsonNode kept = versions(1);
        String firstId = kept.path("versions").get(0).path("id").asText();
        Path to = dir.resolve("restored.bin");
        InProcessCli.Result restore = InProcessCli.run(
                "versions",
                "--data",
                cluster.dataDir(1).toString(),
                "r/f.bin",
                "--restore",
                firstId,
                "--to",
                to.toString());
        assertThat(restore.exitCode()).as("%s", restore).isZero();
        assertThat(sha256(to)).isEqualTo(sha256(v1));

        InProcessCli.Result again = InProcessCli.run(
                "versions",
                "--data",
                cluster.dataDir(1).toString(),
                "r/f.bin",
                "--restore",
                firstId,
                "--to",
                to.toString());
        assertThat(again.exitCode()).as("never overwrites").isNotZero();
        assertThat(again.errLines()).singleElement().asString().contains("exists");
        InProcessCli.Result inside = InProcessCli.run(
                "versions",
                "--data",
                cluster.dataDir(1).toString(),
                "r/f.bin",
                "--restore",
                firstId,
                "--to",
                cluster.dataDir(1).resolve("files/r/f.bin").toString());
        assertThat(inside.exitCode()).as("never into the data directory").isNotZero();
        assertThat(Files.exists(cluster.dataDir(1).resolve("files/r/f.bin"))).isFalse();
        InProcessCli.Result unknown = InProcessCli.run(
                "versions", "--data", cluster.dataDir(1).toString(), "r/f.bin", "--restore", "20000101-000000");
        assertThat(unknown.exitCode()).isNotZero();
        assertThat(unknown.errLines()).singleElement().asString().contains("no kept copy");
    }

    @Test
    void anEmptyNewVersionLeavesTheKeptCopyWhole() throws Exception {
        cluster = TestCluster.converged(dir.resolve("cluster"), 1);
        Hash full =
                NodeFiles.add(cluster.node(0), "e.txt", "kept bytes".getBytes(java.nio.charset.StandardCharsets.UTF_8));
        awaitComplete(cluster.running(), full, Duration.ofSeconds(60));
        Hash empty = NodeFiles.add(cluster.node(0), "e.txt", new byte[0]);
        awaitComplete(cluster.running(), empty, Duration.ofSeconds(60));
        for (int i = 0; i < 2; i++) {
            assertThat(shared(cluster.node(i), "e.txt")).isEmptyFile();
            JsonNode list = versions(i, "e.txt");
            assertThat(list.path("versions")).as("node %d", i).hasSize(1);
            assertThat(Path.of(list.path("versions").get(0).path("file").asText()))
                    .as("node %d's kept copy, not truncated with the new version", i)
                    .hasContent("kept bytes");
        }
    }

    private JsonNode versions(int node) throws Exception {
        return versions(node, "r/f.bin");
    }

    private JsonNode versions(int node, String path) throws Exception {
        return InProcessCli.json("versions", "--data", cluster.dataDir(node).toString(), path, "--json");
    }
}

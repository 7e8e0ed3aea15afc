package io.swiftserve.cluster;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import io.swiftserve.daemon.Node;
import io.swiftserve.identity.NodeId;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AutoClose;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/** A node that was revoked or left says so first, talks to nobody, and does not call its files current. */
@Timeout(value = 120, unit = TimeUnit.SECONDS)
class StandingClusterTest {
    @TempDir
    Path dir;

    @AutoClose
    private TestCluster cluster;

    @BeforeEach
    void threeNodesAndAFile() {
        cluster = TestCluster.converged(dir, Clock.systemUTC(), 2);
        cluster.sealFileAdd(cluster.node(0), "tools/report.txt", 1000);
        cluster.awaitSameHead();
    }

    @Test
    void aRevokedNodeSaysSoOnItsFirstStatusLineAndKeepsNoSession() throws Exception {
        Node revoked = cluster.node(2);
        NodeId id = revoked.key().id();
        InProcessCli.Result r =
                InProcessCli.run("revoke", "--data", cluster.dataDir(0).toString(), id.toString());
        assertThat(r.exitCode()).as("%s", r).isZero();

        // it had the transaction: it learns of its revocation from the block, or seals it itself
        await("the revoked node's own chain revokes it")
                .atMost(Duration.ofSeconds(30))
                .until(() -> revoked.chain().state().isRevoked(id));
        InProcessCli.Result status =
                InProcessCli.run("status", "--data", cluster.dataDir(2).toString());
        assertThat(status.exitCode()).as("%s", status).isZero();
        assertThat(status.lines().get(0))
                .startsWith("REVOKED: this node was revoked from network test-cluster in block #")
                .endsWith("its copies under files/ are not kept current");
        assertThat(status.lines())
                .anySatisfy(l -> assertThat(l).contains("tools/report.txt").endsWith("(not kept current)"));
        JsonNode json = InProcessCli.json("status", "--data", cluster.dataDir(2).toString(), "--json");
        assertThat(json.path("membership").path("state").asText()).isEqualTo("revoked");
        assertThat(json.path("membership").path("sinceHeight").asLong())
                .isEqualTo(revoked.chain().state().revokedAt(id).orElseThrow());

        await("the revoked node closed its sessions")
                .atMost(Duration.ofSeconds(10))
                .until(() -> revoked.network().sessions().isEmpty());
        await("and stays alone")
                .during(Duration.ofSeconds(3))
                .atMost(Duration.ofSeconds(10))
                .until(() -> revoked.network().sessions().isEmpty());
        assertThat(InProcessCli.json("status", "--data", cluster.dataDir(0).toString(), "--json")
                        .path("membership")
                        .path("state")
                        .asText())
                .isEqualTo("member");
    }

    @Test
    void aNodeThatLeftSaysSo() throws Exception {
        InProcessCli.Result r =
                InProcessCli.run("leave", "--data", cluster.dataDir(1).toString());
        assertThat(r.exitCode()).as("%s", r).isZero();
        InProcessCli.Result status =
                InProcessCli.run("status", "--data", cluster.dataDir(1).toString());
        assertThat(status.lines().get(0)).startsWith("LEFT: this node left network test-cluster;");
        assertThat(InProcessCli.json("status", "--data", cluster.dataDir(1).toString(), "--json")
                        .path("membership")
                        .path("state")
                        .asText())
                .isEqualTo("left");
        await("the node that left closed its sessions")
                .atMost(Duration.ofSeconds(10))
                .until(() -> cluster.node(1).network().sessions().isEmpty());
    }
}

package io.swiftserve.cluster;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import io.swiftserve.daemon.Node;
import io.swiftserve.gossip.JoinClient;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AutoClose;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/** Enrolling many machines with one token, through the CLI: the count, the address blocks, approval. */
@Timeout(value = 120, unit = TimeUnit.SECONDS)
class EnrollmentClusterTest {
    @TempDir
    Path dir;

    @AutoClose
    private TestCluster cluster;

    @BeforeEach
    void found() {
        cluster = new TestCluster(dir, Clock.systemUTC());
        cluster.found();
    }

    private String founderDir() {
        return cluster.dataDir(0).toString();
    }

    private String invite(String... options) {
        List<String> args = new java.util.ArrayList<>(List.of("invite", "--data", founderDir(), "--ttl", "10m"));
        args.addAll(List.of(options));
        InProcessCli.Result r = InProcessCli.run(args.toArray(String[]::new));
        assertThat(r.exitCode()).as("%s", r).isZero();
        return r.lines().get(r.lines().size() - 1).strip();
    }

    @Test
    void oneTokenEnrollsAsManyMachinesAsItsUsesAndNoMore() throws Exception {
        String lab = invite("--uses", "2", "--cidr", "127.0.0.0/8");
        cluster.joinWith(lab);
        cluster.joinWith(lab);
        cluster.awaitConverged();
        assertThat(cluster.node(0).chain().state().members()).hasSize(3);

        assertThatThrownBy(() -> cluster.joinWith(lab))
                .isInstanceOf(JoinClient.JoinException.class)
                .hasMessageContaining("invite used up (2 of 2 uses)");
        assertThat(cluster.node(0).chain().state().members()).hasSize(3);
    }

    @Test
    void aMachineOutsideTheInvitesAddressBlocksIsRefused() {
        String elsewhere = invite("--uses", "5", "--cidr", "10.1.0.0/16,fd00::/8");
        assertThatThrownBy(() -> cluster.joinWith(elsewhere))
                .isInstanceOf(JoinClient.JoinException.class)
                .hasMessageContaining("this machine's address 127.0.0.1 is outside the invite's address blocks"
                        + " (10.1.0.0/16, fd00::/8)");
        assertThat(cluster.node(0).chain().state().members()).hasSize(1);
    }

    @Test
    void badTermsAreOneLineErrors() {
        InProcessCli.Result r = InProcessCli.run("invite", "--data", founderDir(), "--cidr", "lab.example");
        assertThat(r.exitCode()).as("%s", r).isNotZero();
        assertThat(r.err()).contains("'lab.example' is not an address block").hasLineCount(1);
        r = InProcessCli.run("invite", "--data", founderDir(), "--uses", "0");
        assertThat(r.exitCode()).as("%s", r).isNotZero();
        assertThat(r.err()).contains("--uses must be at least 1").hasLineCount(1);
    }

    @Test
    void anApprovalInviteHoldsEachJoinUntilAnOperatorDecides() throws Exception {
        String token = invite("--uses", "2", "--approve");
        CompletableFuture<Node> approved = CompletableFuture.supplyAsync(() -> join(token));
        JsonNode waiting = awaitPending(1);
        String first = waiting.get(0).path("nodeId").asText();
        assertThat(waiting.get(0).path("address").asText()).startsWith("127.0.0.1:");
        assertThat(approved).as("held, not sealed").isNotDone();
        assertThat(cluster.node(0).chain().state().members()).hasSize(1);
        assertThat(InProcessCli.run("pending", "--data", founderDir()).lines())
                .anySatisfy(l -> assertThat(l).contains(first.substring(0, 16)));

        InProcessCli.Result ok = InProcessCli.run("approve", "--data", founderDir(), first.substring(0, 12));
        assertThat(ok.exitCode()).as("%s", ok).isZero();
        assertThat(ok.lines())
                .contains("approved " + first + ": a member since block #"
                        + cluster.node(0).chain().height());
        Node member = approved.get(60, TimeUnit.SECONDS);
        assertThat(member.key().id().toString()).isEqualTo(first);
        assertThat(member.chain().state().isMember(member.key().id())).isTrue();

        CompletableFuture<Node> denied = CompletableFuture.supplyAsync(() -> join(token));
        String second = awaitPending(1).get(0).path("nodeId").asText();
        InProcessCli.Result no = InProcessCli.run("deny", "--data", founderDir(), second);
        assertThat(no.exitCode()).as("%s", no).isZero();
        assertThat(denied)
                .failsWithin(Duration.ofSeconds(30))
                .withThrowableOfType(java.util.concurrent.ExecutionException.class)
                .withMessageContaining("an operator of the member refused the join");
        assertThat(InProcessCli.json("pending", "--data", founderDir(), "--json")
                        .path("pending"))
                .isEmpty();
        assertThat(cluster.node(0).chain().state().members()).hasSize(2);

        InProcessCli.Result none = InProcessCli.run("approve", "--data", founderDir(), second);
        assertThat(none.exitCode()).isNotZero();
        assertThat(none.err()).contains("waits for approval").hasLineCount(1);
    }

    private JsonNode awaitPending(int n) {
        JsonNode[] seen = new JsonNode[1];
        await("joins waiting for approval")
                .atMost(Duration.ofSeconds(30))
                .pollInterval(Duration.ofMillis(100))
                .until(() -> (seen[0] = InProcessCli.json("pending", "--data", founderDir(), "--json")
                                        .path("pending"))
                                .size()
                        == n);
        return seen[0];
    }

    private Node join(String token) {
        try {
            return cluster.joinWith(token);
        } catch (JoinClient.JoinException e) {
            throw new IllegalStateException(e.getMessage(), e);
        }
    }
}

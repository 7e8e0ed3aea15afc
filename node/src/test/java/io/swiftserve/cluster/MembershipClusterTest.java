package io.swiftserve.cluster;

import static io.swiftserve.cluster.ClusterAssertions.assertRefusedAtHandshake;
import static io.swiftserve.cluster.ClusterAssertions.assertUnchanged;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import io.swiftserve.chain.Hash;
import io.swiftserve.chain.InviteToken;
import io.swiftserve.daemon.Node;
import io.swiftserve.gossip.JoinClient;
import io.swiftserve.identity.NodeId;
import io.swiftserve.identity.NodeKey;
import io.swiftserve.net.LocalPeer;
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

/** Who gets in and who is put out, on a real three-node cluster: bad invites, revoke and its permission rule. */
@Timeout(value = 90, unit = TimeUnit.SECONDS)
class MembershipClusterTest {
    @TempDir
    Path dir;

    private final Clock clock = Clock.systemUTC();

    @AutoClose
    private TestCluster cluster;

    @BeforeEach
    void foundAndJoinThree() {
        cluster = TestCluster.converged(dir, clock, 2);
    }

    /**
     * Both refusals run at once: today each only fails when JoinClient's 30 s step timeout runs out
     * (see {@link #aRefusedJoinFailsFastWithTheInvitersReason}).
     */
    @Test
    void anExpiredOrReusedInviteIsRefusedAtJoin() throws Exception {
        String used = cluster.invite(1, Duration.ofMinutes(10));
        Node fourth = cluster.joinWith(used);
        cluster.awaitConverged();
        assertThat(fourth.chain().state().members()).hasSize(4);
        Hash head = cluster.head(0).hash();
        String expired = cluster.invite(0, Duration.ofSeconds(-1));

        CompletableFuture<Throwable> reuse = CompletableFuture.supplyAsync(() -> joinError(used));
        CompletableFuture<Throwable> late = CompletableFuture.supplyAsync(() -> joinError(expired));
        assertThat(reuse.get(60, TimeUnit.SECONDS))
                .as("join with a used invite")
                .isInstanceOf(JoinClient.JoinException.class);
        assertThat(late.get(60, TimeUnit.SECONDS))
                .as("join with an expired invite")
                .isInstanceOf(JoinClient.JoinException.class);
        assertUnchanged(cluster, head);
    }

    @Test
    @Timeout(60)
    void aRefusedJoinFailsFastWithTheInvitersReason() {
        String expired = cluster.invite(0, Duration.ofSeconds(-1));
        long start = System.nanoTime();
        assertThatThrownBy(() -> cluster.joinWith(expired))
                .isInstanceOf(JoinClient.JoinException.class)
                .hasMessageContaining("expired");
        assertThat(Duration.ofNanos(System.nanoTime() - start)).isLessThan(Duration.ofSeconds(10));
    }

    private Throwable joinError(String token) {
        try {
            Node n = cluster.joinWith(token);
            return new AssertionError("joined as " + n.key().id().shortId());
        } catch (Throwable t) {
            return t;
        }
    }

    @Test
    void anInviteSignedByANonMemberIsRefusedAtJoin() {
        Node founder = cluster.node(0);
        String forged = InviteToken.create(
                        NodeKey.generate(),
                        founder.chain().networkId(),
                        Duration.ofMinutes(5),
                        List.of(founder.address()),
                        clock)
                .format();
        Hash head = cluster.head(0).hash();
        assertThatThrownBy(() -> cluster.joinWith(forged)).isInstanceOf(JoinClient.JoinException.class);
        assertUnchanged(cluster, head);
    }

    @Test
    void theFounderRevokesAMemberThroughTheCliAndItIsDisconnectedAndRefused() {
        Node gone = cluster.node(2);
        NodeId revoked = gone.key().id();
        InProcessCli.Result r =
                InProcessCli.run("revoke", "--data", cluster.dataDir(0).toString(), revoked.toString());
        assertThat(r.exitCode()).as("stderr: %s", r.err()).isZero();
        assertThat(r.err()).isEmpty();
        assertThat(r.out()).contains("revoked " + revoked);

        // the revoked node may seal the revoke itself (it got the transaction) and sit on a fork of its own
        List<Node> members = List.of(cluster.node(0), cluster.node(1));
        cluster.awaitSameHead(members);
        for (Node member : members) {
            assertThat(member.chain().state().isMember(revoked)).isFalse();
            assertThat(member.chain().state().isRevoked(revoked)).isTrue();
            assertThat(member.chain().state().members()).hasSize(2);
        }
        // it keeps dialling; the members must never take it back
        await("revoked node disconnected")
                .atMost(Duration.ofSeconds(10))
                .until(() -> members.stream()
                        .allMatch(m -> m.network().session(revoked).isEmpty()));
        await("revoked node stays out")
                .during(Duration.ofSeconds(4))
                .atMost(Duration.ofSeconds(10))
                .pollInterval(Duration.ofMillis(20))
                .until(() -> members.stream()
                        .allMatch(m -> m.network().session(revoked).isEmpty()));
        assertThat(TestCluster.memberSessions(cluster.node(0)))
                .containsExactly(cluster.node(1).key().id());
        // and a dial of our own with its key is refused at the handshake
        assertRefusedAtHandshake(
                cluster.node(0), new LocalPeer(gone.key(), gone.chain().networkId(), "127.0.0.1", 0));
    }

    @Test
    void aLaterMemberCannotRevokeAnEarlierOne() {
        Hash head = cluster.head(0).hash();
        String third = cluster.dataDir(2).toString();
        for (String target : List.of(
                cluster.node(0).key().id().toString(),
                cluster.node(1).key().id().toString().substring(0, 12))) {
            InProcessCli.Result r = InProcessCli.run("revoke", "--data", third, target);
            assertThat(r.exitCode()).as("revoke %s: %s", target, r.err()).isEqualTo(1);
            assertThat(r.errLines()).hasSize(1);
            assertThat(r.errLines().get(0))
                    .startsWith("swiftserve: ")
                    .contains("may not revoke")
                    .doesNotContain("Exception");
        }
        assertUnchanged(cluster, head);
        assertThat(cluster.node(0).chain().state().members()).hasSize(3);
    }
}

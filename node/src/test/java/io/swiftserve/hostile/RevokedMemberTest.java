package io.swiftserve.hostile;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.swiftserve.chain.Transactions;
import io.swiftserve.cluster.LogCapture;
import io.swiftserve.cluster.TestCluster;
import io.swiftserve.daemon.Node;
import io.swiftserve.gossip.ChainGossip;
import io.swiftserve.identity.NodeKey;
import io.swiftserve.proto.Envelope;
import io.swiftserve.proto.GetBlocks;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AutoClose;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * A member being revoked holds, besides its node's registered session, a second session that
 * advertises no listen address (as `swiftserve proto call` does). Revocation must close every
 * session of the key, not only the registered one, and nothing may be served to it afterwards.
 */
@Timeout(value = 120, unit = TimeUnit.SECONDS)
class RevokedMemberTest {
    @TempDir
    Path dir;

    @AutoClose
    private TestCluster cluster;

    @Test
    void everySessionOfARevokedKeyClosesWithinOneSecond() throws Exception {
        cluster = TestCluster.converged(dir.resolve("cluster"), 2);
        Node admin = cluster.node(0);
        Node revoked = cluster.node(2);
        NodeKey key = revoked.key();
        try (RawPeer side = RawPeer.connect(admin.port());
                LogCapture downs = LogCapture.of(io.swiftserve.net.PeerNetwork.class)) {
            Envelope answer = side.handshake(key, admin.chain().networkId(), null);
            assertThat(answer).as("the member's side session is admitted").isNotNull();
            assertThat(answer.hasAuth()).as("admitted: %s", answer).isTrue();
            System.out.println(
                    "[RevokedMemberTest] side session of " + key.id().shortId() + " open beside its node's own");

            var tx = new Transactions(admin.key(), admin.chain().networkId(), Clock.systemUTC()).revoke(key.id());
            admin.gossip().submit(tx).get(10, TimeUnit.SECONDS);
            admin.gossip().whenSealed(tx.id(), ChainGossip.SEAL_WAIT).get(15, TimeUnit.SECONDS);
            long revokedAt = System.nanoTime();
            System.out.println("[RevokedMemberTest] revoke sealed; waiting for every session of the key to close");

            await("the side session is closed").atMost(Duration.ofSeconds(5)).until(side::closedByPeer);
            double seconds = (side.closedAtNanos() - revokedAt) / 1e9;
            System.out.printf("[RevokedMemberTest] side session closed %.3f s after the revoke was applied%n", seconds);
            assertThat(seconds).as("seconds from revoke to close").isLessThanOrEqualTo(1.0);
            await("no node keeps a session with the revoked key")
                    .atMost(Duration.ofSeconds(1))
                    .until(() -> cluster.running().stream()
                            .filter(n -> n != revoked)
                            .allMatch(n -> n.network().allSessions().stream()
                                    .noneMatch(s -> s.peer().equals(key.id()))));
            // the log says why: one "peer down" line per node's registered session, with the reason
            await("'peer down' lines name the reason")
                    .atMost(Duration.ofSeconds(5))
                    .until(() -> downs.has("peer down: " + key.id().shortId(), "(no longer a member)"));
        }
    }

    @Test
    void aRevokedKeysMessagesAreRefusedEvenBeforeItsSessionIsClosed() throws Exception {
        cluster = TestCluster.converged(dir.resolve("cluster"), 1);
        Node admin = cluster.node(0);
        NodeKey key = cluster.node(1).key();
        cluster.stop(1);
        try (RawPeer raw = RawPeer.connect(admin.port())) {
            assertThat(raw.handshake(key, admin.chain().networkId(), null).hasAuth())
                    .isTrue();
            // the role is re-checked on every message, not only at the handshake and by the close timer
            admin.network().setMembershipCheck(id -> !id.equals(key.id()));
            raw.send(Envelope.newBuilder()
                    .setGetBlocks(GetBlocks.newBuilder().setMaxBlocks(10))
                    .build());
            System.out.println("[RevokedMemberTest] GetBlocks sent by a key that is no longer a member");
            assertThat(raw.awaitClosed(Duration.ofSeconds(5)))
                    .as("closed at its next message")
                    .isTrue();
            assertThat(raw.received).noneMatch(Envelope::hasBlocks);
        }
    }
}

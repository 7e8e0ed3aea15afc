package io.swiftserve.cluster;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.swiftserve.chain.Block;
import io.swiftserve.chain.Blockchain;
import io.swiftserve.chain.Hash;
import io.swiftserve.chain.ImportResult;
import io.swiftserve.chain.InvalidException;
import io.swiftserve.daemon.Node;
import io.swiftserve.identity.NodeId;
import io.swiftserve.net.Admission;
import io.swiftserve.net.LocalPeer;
import io.swiftserve.net.MessageRouter;
import io.swiftserve.net.PeerNetwork;
import io.swiftserve.net.PeerSession;
import io.swiftserve.net.SessionListener;
import io.swiftserve.store.InMemoryStore;
import java.net.InetSocketAddress;
import java.time.Clock;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;

/** Checks shared by the cluster tests. */
final class ClusterAssertions {
    private ClusterAssertions() {}

    /**
     * Dials {@code target} as {@code who} over a real connection; the connection must end, and
     * {@code target} must never hold a session for that key.
     */
    static void assertRefusedAtHandshake(Node target, LocalPeer who) {
        NodeId id = who.key().id();
        int sessionsBefore = target.network().sessions().size();
        try (PeerNetwork net =
                new PeerNetwork(who, (peer, token) -> Admission.member(), new MessageRouter(), SessionListener.NONE)) {
            CompletableFuture<PeerSession> dial = net.connect(new InetSocketAddress("127.0.0.1", target.port()), null);
            // the dialler may finish its half of the handshake before the member's refusal arrives; either
            // way the connection must be gone soon, and the member side must never list the key
            await("connection closed")
                    .atMost(Duration.ofSeconds(10))
                    .pollInterval(Duration.ofMillis(10))
                    .failFast(
                            "the member holds a session for the refused key",
                            () -> target.network().session(id).isPresent())
                    .until(() -> dial.isCompletedExceptionally()
                            || (dial.isDone() && !dial.join().isOpen()));
            await("refused key stays out")
                    .during(Duration.ofMillis(500))
                    .atMost(Duration.ofSeconds(5))
                    .until(() -> target.network().session(id).isEmpty()
                            && net.sessions().stream().noneMatch(PeerSession::isOpen));
        }
        assertThat(target.network().sessions()).hasSize(sessionsBefore);
        assertThat(target.chain().state().isMember(id)).isFalse();
    }

    /** Re-validates every block of {@code chain} from genesis on a fresh chain, and compares with {@code reference}. */
    static void assertEveryBlockVerifies(Blockchain chain, Blockchain reference, Clock clock) throws InvalidException {
        Blockchain fresh = Blockchain.initialize(new InMemoryStore(), chain.genesis(), clock);
        for (long h = 1; h <= chain.height(); h++) {
            long height = h;
            Block b = chain.blockAt(h).orElseThrow(() -> new AssertionError("no block at height " + height));
            assertThat(b.hash()).isEqualTo(reference.blockAt(h).orElseThrow().hash());
            assertThat(b.parentHash())
                    .isEqualTo(chain.blockAt(h - 1).orElseThrow().hash());
            assertThat(b.signatureValid()).isTrue();
            ImportResult r = fresh.importBlock(b);
            assertThat(r.status()).as("block %d: %s", h, r.reason()).isEqualTo(ImportResult.Status.EXTENDED);
        }
        assertThat(fresh.head().hash()).isEqualTo(chain.head().hash());
        assertThat(fresh.state().members()).isEqualTo(chain.state().members());
    }

    /** A refused request left no trace: same head, same members, one session per other member, for a while. */
    static void assertUnchanged(TestCluster cluster, Hash head) {
        int members = cluster.node(0).chain().state().members().size();
        await("nothing changed")
                .during(Duration.ofMillis(300))
                .atMost(Duration.ofSeconds(5))
                .until(() -> cluster.running().stream()
                        .allMatch(n -> n.chain().head().hash().equals(head)
                                && n.chain().state().members().size() == members
                                && n.network().sessions().size() == members - 1));
    }
}

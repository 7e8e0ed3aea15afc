package io.swiftserve.cluster;

import static io.swiftserve.cluster.ClusterAssertions.assertEveryBlockVerifies;
import static io.swiftserve.cluster.ClusterAssertions.assertRefusedAtHandshake;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.swiftserve.chain.Block;
import io.swiftserve.chain.FileEntry;
import io.swiftserve.chain.Hash;
import io.swiftserve.chain.Member;
import io.swiftserve.daemon.Node;
import io.swiftserve.identity.NodeId;
import io.swiftserve.identity.NodeKey;
import io.swiftserve.net.LocalPeer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AutoClose;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * The network end to end in one JVM: three real nodes on loopback, each with its own RocksDB, joined
 * by invites; catch-up after downtime, a healed partition, and strangers kept out at the handshake.
 * Membership changes (invites refused, revoke) are in {@link MembershipClusterTest}.
 */
@Timeout(value = 120, unit = TimeUnit.SECONDS)
class NetworkClusterTest {
    private static final Duration SPREAD = Duration.ofSeconds(10);

    @TempDir
    Path dir;

    private final Clock clock = Clock.systemUTC();

    @AutoClose
    private TestCluster cluster;

    @BeforeEach
    void foundAndJoinThree() {
        cluster = TestCluster.converged(dir, clock, 2);
    }

    @Test
    @Timeout(60)
    void threeNodesAgreeOnMembersAndHeadAndEachHasTwoMemberSessions() {
        Hash head = cluster.head(0).hash();
        List<NodeId> ids = cluster.running().stream().map(n -> n.key().id()).toList();
        for (Node n : cluster.running()) {
            assertThat(n.chain().head().hash()).isEqualTo(head);
            assertThat(n.chain().networkId()).isEqualTo(cluster.node(0).chain().networkId());
            assertThat(n.chain().state().members()).extracting(Member::id).containsExactlyInAnyOrderElementsOf(ids);
            assertThat(TestCluster.memberSessions(n))
                    .hasSize(2)
                    .doesNotContain(n.key().id());
        }
        // genesis, then each join sealed in its own block
        assertThat(cluster.head(0).height()).isEqualTo(2);
        assertThat(cluster.node(0).chain().state().members())
                .extracting(Member::seniority)
                .isSorted()
                .doesNotHaveDuplicates();
    }

    @Test
    void aStoppedNodeCatchesUpFiftyBlocksAndItsChainVerifies() throws Exception {
        long heightWhenStopped = cluster.head(2).height();
        Hash headWhenStopped = cluster.head(2).hash();
        cluster.stop(2);

        // 50 blocks, sealed in turn by the two running nodes; each spreads before the next is made
        for (int i = 0; i < 50; i++) {
            Node other = cluster.node((i + 1) % 2);
            Hash h = cluster.sealFileAdd(cluster.node(i % 2), "data/file-" + i + ".bin", i % 3 == 0 ? 0 : 1000 + i)
                    .hash();
            await().atMost(SPREAD).until(() -> other.chain().head().hash().equals(h));
        }
        long target = heightWhenStopped + 50;
        assertThat(cluster.head(0).height()).isEqualTo(target);

        // no join token: the node must come back from its own store, with the blocks it had
        Node back = cluster.restart(2);
        assertThat(back.chain().blockAt(heightWhenStopped).map(Block::hash)).contains(headWhenStopped);
        cluster.awaitConverged();
        assertThat(back.chain().head().hash()).isEqualTo(cluster.head(0).hash());
        assertThat(back.chain().height()).isEqualTo(target);
        assertThat(back.chain().state().members())
                .isEqualTo(cluster.node(0).chain().state().members());
        assertThat(back.chain().state().files()).hasSize(50);
        assertEveryBlockVerifies(back.chain(), cluster.node(0).chain(), clock);
    }

    @Test
    void aPartitionHealsToTheLongerChainAndTheLosersTransactionsAreSealedAgain() throws Exception {
        // the founder alone seals two blocks...
        cluster.stop(1);
        cluster.stop(2);
        cluster.sealFileAdd(cluster.node(0), "lone/0", 10);
        cluster.sealFileAdd(cluster.node(0), "lone/1", 10);
        long loneHeight = cluster.head(0).height();
        cluster.stop(0);

        // ...while the other two, on their own, seal three
        cluster.restart(1);
        cluster.restart(2);
        cluster.awaitConverged();
        for (int i = 0; i < 3; i++) {
            Hash h = cluster.sealFileAdd(cluster.node(1), "major/" + i, 10).hash();
            await().atMost(SPREAD)
                    .until(() -> cluster.node(2).chain().head().hash().equals(h));
        }
        assertThat(cluster.head(1).height()).isEqualTo(loneHeight + 1);

        // the founder returns: it switches to the longer chain and seals its two dropped transactions again
        cluster.restart(0);
        List<String> all = List.of("lone/0", "lone/1", "major/0", "major/1", "major/2");
        await("every file on every node")
                .atMost(TestCluster.CONVERGE)
                .pollInterval(Duration.ofMillis(50))
                .until(() -> cluster.running().stream().allMatch(n -> paths(n).containsAll(all)));
        cluster.awaitConverged();
        for (Node n : cluster.running()) {
            assertThat(paths(n)).containsExactlyInAnyOrderElementsOf(all);
            assertThat(n.pool().size()).as("pool of %s", n.key().id().shortId()).isZero();
        }
        assertEveryBlockVerifies(cluster.node(0).chain(), cluster.node(1).chain(), clock);
    }

    private static List<String> paths(Node n) {
        return n.chain().state().files().stream().map(FileEntry::path).toList();
    }

    @Test
    @Timeout(60)
    void aStrangerKeyIsRefusedAtTheHandshake() {
        Node founder = cluster.node(0);
        assertRefusedAtHandshake(
                founder, new LocalPeer(NodeKey.generate(), founder.chain().networkId(), "127.0.0.1", 0));
    }

    @Test
    @Timeout(60)
    void aKeyOfAnotherNetworkIsRefusedAtTheHandshake() {
        Hash otherNetwork = Hash.sha256("some other genesis".getBytes(StandardCharsets.UTF_8));
        assertRefusedAtHandshake(cluster.node(0), new LocalPeer(NodeKey.generate(), otherNetwork, "127.0.0.1", 0));
    }
}

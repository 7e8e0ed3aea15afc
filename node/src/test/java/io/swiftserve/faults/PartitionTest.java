package io.swiftserve.faults;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import io.swiftserve.chain.Block;
import io.swiftserve.chain.Hash;
import io.swiftserve.chain.Transaction;
import io.swiftserve.cluster.TestCluster;
import io.swiftserve.daemon.Node;
import io.swiftserve.identity.NodeId;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;
import org.junit.jupiter.api.AutoClose;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * A 4-node cluster split into halves {0,1} and {2,3}; each half seals transactions on its own branch;
 * after healing, all four converge on one chain that holds every transaction from both halves (the
 * losing branch's transactions return to the pool and are sealed again).
 *
 * <p>The first test cuts the connections with each node's peer filter while all four run; the
 * second approximates a partition by stopping one half while the other seals, then swapping.
 */
@Timeout(value = 150, unit = TimeUnit.SECONDS)
class PartitionTest {
    @TempDir
    Path dir;

    @AutoClose
    private TestCluster cluster;

    private static Hash txOf(Block b, String path) {
        return b.transactions().stream()
                .filter(t ->
                        t.body().hasFileAdd() && t.body().getFileAdd().getPath().equals(path))
                .findFirst()
                .orElseThrow()
                .id();
    }

    /** Cuts the running nodes into {@code left} and the rest, with each node's peer filter, and waits until no session crosses. */
    private void cutApart(List<Node> left) {
        Set<NodeId> leftIds = left.stream().map(n -> n.key().id()).collect(Collectors.toSet());
        for (Node n : cluster.running()) {
            boolean inLeft = leftIds.contains(n.key().id());
            n.network().setPeerFilter(id -> leftIds.contains(id) == inLeft);
        }
        await("the halves are cut apart")
                .atMost(Duration.ofSeconds(20))
                .until(() -> cluster.running().stream()
                        .allMatch(n -> n.network().sessions().stream()
                                .allMatch(s -> leftIds.contains(s.peer())
                                        == leftIds.contains(n.key().id()))));
    }

    private void heal() {
        cluster.running().forEach(n -> n.network().setPeerFilter(id -> true));
    }

    /**
     * Two members sealed at the same height while cut apart; after healing, the shorter branch's
     * transaction is back in its pool. Waiting for it to be sealed must not stop at "not on the
     * chain": the seal timer seals it again on top of the winning branch.
     */
    @Test
    void aTransactionWhoseBlockLostTheForkChoiceIsAwaitedUntilSealedAgain() throws Exception {
        Node[] ab = twoMembersCutApart("lost");
        Node a = ab[0];
        Node b = ab[1];
        long fork = b.chain().height();
        cluster.sealFileAdd(a, "a/0", 1000);
        cluster.sealFileAdd(a, "a/1", 1000);
        Block lost = cluster.sealFileAdd(b, "b/0", 1000);
        Hash t = txOf(lost, "b/0");

        heal();
        await("b's block dropped for a's longer branch")
                .atMost(Duration.ofSeconds(30))
                .pollInterval(Duration.ofMillis(2))
                .until(() -> !b.chain().onMainChain(lost));
        long height = b.gossip().whenSealed(t, Duration.ofSeconds(20)).get(30, TimeUnit.SECONDS);

        assertThat(height).as("sealed again above a's branch").isGreaterThan(fork + 2);
        assertThat(b.chain().blockAt(height).orElseThrow().transactions())
                .extracting(Transaction::id)
                .contains(t);
        await("a holds it too")
                .atMost(Duration.ofSeconds(30))
                .until(() -> a.chain().state().includes(t));
    }

    /** The same, but the winning branch took the path first: the returned transaction no longer applies and is dropped. */
    @Test
    void aTransactionOverrunByTheWinningBranchIsReportedDropped() throws Exception {
        Node[] ab = twoMembersCutApart("dropped");
        Node a = ab[0];
        Node b = ab[1];
        cluster.sealFileAdd(a, "same/path", 1000);
        cluster.sealFileAdd(a, "a/1", 1000);
        Hash t = txOf(cluster.sealFileAdd(b, "same/path", 2000), "same/path");

        heal();
        await("b on a's branch")
                .atMost(Duration.ofSeconds(30))
                .until(() -> b.chain().head().hash().equals(a.chain().head().hash()));
        CompletableFuture<Long> sealed = b.gossip().whenSealed(t, Duration.ofSeconds(20));

        assertThatThrownBy(() -> sealed.get(30, TimeUnit.SECONDS))
                .isInstanceOf(ExecutionException.class)
                .cause()
                .hasMessageContaining("was dropped: version 1 of same/path is not newer than 1");
        assertThat(b.chain().state().includes(t)).isFalse();
        assertThat(b.pool().contains(t)).isFalse();
    }

    private Node[] twoMembersCutApart(String name) {
        cluster = TestCluster.converged(dir.resolve(name), 1);
        cutApart(List.of(cluster.node(0)));
        return new Node[] {cluster.node(0), cluster.node(1)};
    }

    @Test
    void concurrentHalvesSealWhileCutOffThenConvergeAfterHealing() {
        cluster = TestCluster.converged(dir.resolve("concurrent"), 3);
        List<Node> left = List.of(cluster.node(0), cluster.node(1));
        List<Node> right = List.of(cluster.node(2), cluster.node(3));
        cutApart(left);
        long forkHeight = cluster.node(0).chain().height();
        List<Hash> txs = new ArrayList<>();
        for (int i = 0; i < 3; i++) {
            String l = "left/" + i;
            String r = "right/" + i;
            txs.add(txOf(cluster.sealFileAdd(left.get(i % 2), l, 1000), l));
            txs.add(txOf(cluster.sealFileAdd(right.get(i % 2), r, 1000), r));
        }
        assertThat(left.get(0).chain().head().hash())
                .as("the halves built different branches")
                .isNotEqualTo(right.get(0).chain().head().hash());
        long t0 = System.nanoTime();
        heal();
        await("one chain with every transaction on all 4 nodes")
                .atMost(Duration.ofSeconds(60))
                .pollInterval(Duration.ofMillis(100))
                .until(() -> cluster.running().stream()
                                        .map(n -> n.chain().head().hash())
                                        .distinct()
                                        .count()
                                == 1
                        && cluster.running().stream()
                                .allMatch(n -> txs.stream()
                                        .allMatch(t -> n.chain().state().includes(t))));
        System.out.printf(
                "[PartitionTest] concurrent partition from height %d: %d transactions sealed in two halves at once; "
                        + "after healing all 4 nodes hold all of them at height %d, in %.1f s%n",
                forkHeight, txs.size(), cluster.node(0).chain().height(), (System.nanoTime() - t0) / 1e9);
    }

    @Test
    void bothHalvesSealThenAllConvergeOnOneChainWithEveryTransaction() {
        cluster = TestCluster.converged(dir.resolve("cluster"), 3);
        long forkHeight = cluster.node(0).chain().height();
        List<Hash> txs = new ArrayList<>();

        // half {0,1} alone
        cluster.stop(3);
        cluster.stop(2);
        for (int i = 0; i < 3; i++) {
            String path = "left/" + i;
            txs.add(txOf(cluster.sealFileAdd(cluster.node(i % 2), path, 1000), path));
        }
        cluster.awaitSameHead();
        Hash leftHead = cluster.node(0).chain().head().hash();
        long leftHeight = cluster.node(0).chain().height();

        // half {2,3} alone, from the same fork point
        cluster.stop(1);
        cluster.stop(0);
        cluster.restart(2);
        cluster.restart(3);
        assertThat(cluster.node(2).chain().height()).isEqualTo(forkHeight);
        for (int i = 0; i < 2; i++) {
            String path = "right/" + i;
            txs.add(txOf(cluster.sealFileAdd(cluster.node(2 + i % 2), path, 1000), path));
        }
        cluster.awaitSameHead();
        Hash rightHead = cluster.node(2).chain().head().hash();
        long rightHeight = cluster.node(2).chain().height();
        assertThat(rightHead).isNotEqualTo(leftHead);

        // heal
        long t0 = System.nanoTime();
        cluster.restart(0);
        cluster.restart(1);
        await("one chain with every transaction on all 4 nodes")
                .atMost(Duration.ofSeconds(60))
                .pollInterval(Duration.ofMillis(100))
                .until(() -> cluster.running().size() == 4
                        && cluster.running().stream()
                                        .map(n -> n.chain().head().hash())
                                        .distinct()
                                        .count()
                                == 1
                        && cluster.running().stream()
                                .allMatch(n -> txs.stream()
                                        .allMatch(t -> n.chain().state().includes(t))));
        double secs = (System.nanoTime() - t0) / 1e9;
        Node any = cluster.node(0);
        System.out.printf(
                "[PartitionTest] fork at height %d; left branch %d blocks (%s), right branch %d blocks (%s); after heal "
                        + "all 4 nodes at height %d head %s with all %d transactions, in %.1f s%n",
                forkHeight,
                leftHeight - forkHeight,
                leftHead.shortHex(),
                rightHeight - forkHeight,
                rightHead.shortHex(),
                any.chain().height(),
                any.chain().head().hash().shortHex(),
                txs.size(),
                secs);
        for (Node n : cluster.running()) {
            for (Hash t : txs) {
                assertThat(n.chain().state().includes(t))
                        .as("tx %s on %s", t.shortHex(), n.key().id().shortId())
                        .isTrue();
            }
            assertThat(n.chain().state().files()).hasSize(txs.size());
        }
    }
}

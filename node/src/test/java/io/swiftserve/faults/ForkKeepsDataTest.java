package io.swiftserve.faults;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.swiftserve.chain.Hash;
import io.swiftserve.cluster.NodeFiles;
import io.swiftserve.cluster.TestCluster;
import io.swiftserve.cluster.TestFiles;
import io.swiftserve.daemon.Node;
import io.swiftserve.identity.NodeId;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CyclicBarrier;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AutoClose;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * A reorg that takes a FileAdd off the main chain sends the transaction back to the pool, where it
 * is sealed again. Meanwhile every node that holds the version's data must keep it, the publisher
 * above all: it may hold the only copy. Two members adding at the same moment fork the chain without
 * any attacker, so that case is run many times.
 */
@Timeout(value = 240, unit = TimeUnit.SECONDS)
class ForkKeepsDataTest {
    @TempDir
    Path dir;

    @AutoClose
    private TestCluster cluster;

    @Test
    void aFileAddTakenOffTheChainByAReorgKeepsItsOnlyCopy() throws Exception {
        cluster = TestCluster.converged(dir.resolve("cluster"), 2);
        Node publisher = cluster.node(1);
        Set<NodeId> rest =
                Set.of(cluster.node(0).key().id(), cluster.node(2).key().id());
        // the publisher is cut off while it adds: its block will lose to the others' longer branch
        for (Node n : cluster.running()) {
            boolean isPublisher = n == publisher;
            n.network().setPeerFilter(id -> isPublisher != rest.contains(id));
        }
        Path source = dir.resolve("only-copy.bin");
        String sha = TestFiles.writeRandom(source, 3L * TestFiles.MIB, 11);
        Hash fileId = NodeFiles.add(publisher, "only/copy.bin", source);
        Files.delete(source);
        long forkHeight = publisher.chain().height();
        cluster.sealFileAdd(cluster.node(0), "filler/1.bin", 0);
        cluster.sealFileAdd(cluster.node(0), "filler/2.bin", 0);
        System.out.printf(
                "[ForkKeepsDataTest] publisher sealed only/copy.bin at height %d alone; the others are at %d%n",
                forkHeight, cluster.node(0).chain().height());

        cluster.running().forEach(n -> n.network().setPeerFilter(id -> true));
        await("the publisher reorganises to the longer branch")
                .atMost(TestCluster.CONVERGE)
                .until(() -> publisher
                        .chain()
                        .blockAt(forkHeight)
                        .map(b -> b.transactions().stream().noneMatch(t -> t.id().equals(fileId)))
                        .orElse(false));
        System.out.println(
                "[ForkKeepsDataTest] the publisher's block lost the fork choice; its FileAdd is back in the pool");

        NodeFiles.awaitComplete(cluster.running(), fileId, Duration.ofSeconds(60));
        for (Node n : cluster.running()) {
            assertThat(TestFiles.sha256(NodeFiles.shared(n, "only/copy.bin"))).isEqualTo(sha);
        }
        System.out.println("[ForkKeepsDataTest] sealed again and complete on all 3 nodes, bytes intact");
    }

    @Test
    void fiftyRoundsOfTwoMembersAddingAtTheSameInstantLoseNoFile() throws Exception {
        cluster = TestCluster.converged(dir.resolve("cluster"), 2);
        List<Node> adders = List.of(cluster.node(1), cluster.node(2));
        Map<String, String> expected = new LinkedHashMap<>();
        Map<String, Hash> ids = new LinkedHashMap<>();
        AtomicInteger reorgs = new AtomicInteger();
        cluster.running()
                .forEach(n -> n.chain().addListener((removed, added) -> {
                    if (!removed.isEmpty()) {
                        reorgs.incrementAndGet();
                    }
                }));
        ExecutorService pool = Executors.newFixedThreadPool(2);
        try {
            for (int round = 0; round < 50; round++) {
                CyclicBarrier start = new CyclicBarrier(2);
                List<CompletableFuture<Hash>> adds = new ArrayList<>();
                for (int a = 0; a < 2; a++) {
                    Node node = adders.get(a);
                    String path = "round" + round + "/by" + a + ".bin";
                    Path source = dir.resolve("r" + round + "-" + a + ".bin");
                    expected.put(path, TestFiles.writeRandom(source, 100_000 + round * 1_000L + a, round * 2L + a));
                    adds.add(CompletableFuture.supplyAsync(
                            () -> {
                                try {
                                    start.await(10, TimeUnit.SECONDS);
                                    return NodeFiles.add(node, path, source);
                                } catch (Exception e) {
                                    throw new IllegalStateException(path + ": " + e, e);
                                }
                            },
                            pool));
                }
                int r = round;
                for (int a = 0; a < 2; a++) {
                    ids.put("round" + r + "/by" + a + ".bin", adds.get(a).get(60, TimeUnit.SECONDS));
                }
            }
        } finally {
            pool.shutdownNow();
        }
        System.out.printf(
                "[ForkKeepsDataTest] 50 rounds of 2 simultaneous adds: %d reorgs seen across 3 nodes%n", reorgs.get());
        await("every file complete everywhere")
                .atMost(Duration.ofSeconds(90))
                .pollInterval(Duration.ofMillis(200))
                .until(() -> ids.values().stream()
                        .allMatch(id -> cluster.running().stream().allMatch(n -> NodeFiles.isComplete(n, id))));
        for (Node n : cluster.running()) {
            for (Map.Entry<String, String> e : expected.entrySet()) {
                assertThat(TestFiles.sha256(NodeFiles.shared(n, e.getKey())))
                        .as(e.getKey())
                        .isEqualTo(e.getValue());
            }
        }
        System.out.println("[ForkKeepsDataTest] all 100 files complete on all 3 nodes, bytes intact");
    }
}

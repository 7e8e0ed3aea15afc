package io.swiftserve.cluster;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.swiftserve.daemon.Node;
import io.swiftserve.gossip.Overlay;
import io.swiftserve.identity.NodeId;
import io.swiftserve.net.PeerSession;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * Twelve real nodes with an overlay of degree 2 (at most 5 peers each): the graph stays connected
 * without being a full mesh, every node keeps to its bounds, and after a partition whose halves
 * filled their slots among themselves, rotation joins the halves again and the chains agree.
 */
@Timeout(180)
class OverlayClusterTest {
    private static final Overlay.Options SMALL = new Overlay.Options(2, 5, Duration.ofSeconds(1));
    private static final Duration LIMIT = Duration.ofSeconds(90);

    @Test
    void aBoundedOverlayStaysConnectedAndHealsAfterAPartition(@TempDir Path root) {
        try (TestCluster cluster = TestCluster.configured(root, c -> c.withOverlay(SMALL))) {
            cluster.found();
            cluster.join(11);
            List<Node> all = cluster.running();
            await("one connected overlay within bounds")
                    .atMost(LIMIT)
                    .pollInterval(Duration.ofMillis(100))
                    .until(() -> withinBounds(all) && components(all, all).size() == 1);
            assertThat(all)
                    .as("not a full mesh")
                    .anySatisfy(n -> assertThat(peers(n)).hasSizeLessThan(11));

            List<Node> left = all.subList(0, 6);
            Set<NodeId> leftIds = left.stream().map(n -> n.key().id()).collect(Collectors.toSet());
            all.forEach(n -> n.network()
                    .setPeerFilter(id ->
                            leftIds.contains(id) == leftIds.contains(n.key().id())));
            await("each half one connected overlay")
                    .atMost(LIMIT)
                    .pollInterval(Duration.ofMillis(100))
                    .until(() -> components(all, left).size() == 1
                            && components(all, all.subList(6, 12)).size() == 1
                            && components(all, all).size() == 2);
            cluster.sealFileAdd(all.get(0), "left.bin", 1);
            cluster.sealFileAdd(all.get(6), "right.bin", 1);

            all.forEach(n -> n.network().setPeerFilter(id -> true));
            await("the halves joined again")
                    .atMost(LIMIT)
                    .pollInterval(Duration.ofMillis(100))
                    .until(() -> components(all, all).size() == 1 && withinBounds(all));
            // the losing half's FileAdd returns to its origin's pool and is sealed again there
            await("both halves' files on every chain")
                    .atMost(LIMIT)
                    .pollInterval(Duration.ofMillis(100))
                    .until(() ->
                            all.stream().allMatch(n -> n.chain().state().files().size() == 2));
            cluster.awaitSameHead();
        }
    }

    private static Set<NodeId> peers(Node n) {
        return TestCluster.memberSessions(n);
    }

    private static boolean withinBounds(List<Node> nodes) {
        for (Node n : nodes) {
            List<PeerSession> sessions = n.network().sessions().stream()
                    .filter(PeerSession::isMember)
                    .toList();
            long outbound = sessions.stream().filter(PeerSession::outbound).count();
            if (sessions.size() > SMALL.maxPeers() || outbound > 2 * SMALL.outbound()) {
                return false;
            }
        }
        return true;
    }

    /** Connected components of {@code some} over the member sessions either end reports. */
    private static List<Set<NodeId>> components(List<Node> all, List<Node> some) {
        Map<NodeId, Set<NodeId>> edges = new HashMap<>();
        Set<NodeId> ids = some.stream().map(n -> n.key().id()).collect(Collectors.toSet());
        for (Node n : all) {
            for (NodeId p : peers(n)) {
                if (ids.contains(n.key().id()) && ids.contains(p)) {
                    edges.computeIfAbsent(n.key().id(), k -> new HashSet<>()).add(p);
                    edges.computeIfAbsent(p, k -> new HashSet<>()).add(n.key().id());
                }
            }
        }
        List<Set<NodeId>> out = new java.util.ArrayList<>();
        Set<NodeId> seen = new HashSet<>();
        for (NodeId start : ids) {
            if (seen.add(start)) {
                Set<NodeId> component = new HashSet<>(List.of(start));
                ArrayDeque<NodeId> queue = new ArrayDeque<>(List.of(start));
                while (!queue.isEmpty()) {
                    for (NodeId next : edges.getOrDefault(queue.poll(), Set.of())) {
                        if (seen.add(next)) {
                            component.add(next);
                            queue.add(next);
                        }
                    }
                }
                out.add(component);
            }
        }
        return out;
    }
}

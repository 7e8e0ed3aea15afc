package io.swiftserve.cluster;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.swiftserve.daemon.Node;
import io.swiftserve.daemon.NodeConfig;
import io.swiftserve.discovery.LanDiscovery;
import io.swiftserve.identity.NodeId;
import java.io.IOException;
import java.net.DatagramSocket;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * Three real nodes restart, every one on a new peer port, with no --peer and address books that
 * hold only the old ports: LAN discovery (unicast on loopback, which has no broadcast) is all that
 * can bring them together again, and it must within seconds.
 */
@Timeout(120)
class DiscoveryClusterTest {
    private static final int N = 3;

    @Test
    void membersWhoseAddressesAllChangedFindEachOtherAgain(@TempDir Path root) throws Exception {
        List<Path> dirs = new ArrayList<>();
        List<Integer> oldPorts = new ArrayList<>();
        Set<NodeId> ids = new HashSet<>();
        try (TestCluster cluster = TestCluster.converged(root, N - 1)) {
            for (int i = 0; i < N; i++) {
                dirs.add(cluster.dataDir(i));
                oldPorts.add(cluster.node(i).port());
                ids.add(cluster.node(i).key().id());
            }
        }
        List<Integer> udp = new ArrayList<>();
        for (int i = 0; i < N; i++) {
            udp.add(freeUdpPort(udp));
        }
        List<Node> nodes = new ArrayList<>();
        try {
            for (int i = 0; i < N; i++) {
                List<InetSocketAddress> others = new ArrayList<>();
                for (int j = 0; j < N; j++) {
                    if (j != i) {
                        others.add(new InetSocketAddress(InetAddress.getLoopbackAddress(), udp.get(j)));
                    }
                }
                Node node = new Node(NodeConfig.local(dirs.get(i)).withPort(freeTcpPort(oldPorts)), Clock.systemUTC());
                node.discoveryAtStart(new LanDiscovery.Options(udp.get(i), Duration.ofSeconds(30), others));
                nodes.add(node);
                node.start();
            }
            for (Node n : nodes) {
                assertThat(oldPorts).doesNotContain(n.port());
            }
            await("every node connected to the other two through discovery")
                    .atMost(Duration.ofSeconds(15))
                    .pollInterval(Duration.ofMillis(100))
                    .until(() -> nodes.stream().allMatch(n -> {
                        Set<NodeId> want = new HashSet<>(ids);
                        want.remove(n.key().id());
                        return TestCluster.memberSessions(n).containsAll(want);
                    }));
            // and they come to know each other's new addresses, as signed records passed on by the peers
            // (a record travels in the peer list sent once a session is up, so just after the sessions)
            await("every node's book holds every node's new address")
                    .atMost(Duration.ofSeconds(10))
                    .pollInterval(Duration.ofMillis(100))
                    .until(() -> nodes.stream()
                            .allMatch(n -> nodes.stream()
                                    .allMatch(other -> n.addressBook()
                                            .addresses(other.key().id())
                                            .contains(other.address()))));
        } finally {
            nodes.forEach(Node::close);
        }
        assertThat(ids.stream().map(NodeId::shortId).collect(Collectors.toSet()))
                .hasSize(N);
    }

    private static int freeUdpPort(List<Integer> taken) throws IOException {
        while (true) {
            try (DatagramSocket s = new DatagramSocket(0, InetAddress.getLoopbackAddress())) {
                if (!taken.contains(s.getLocalPort())) {
                    return s.getLocalPort();
                }
            }
        }
    }

    private static int freeTcpPort(List<Integer> old) throws IOException {
        while (true) {
            try (ServerSocket s = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
                if (!old.contains(s.getLocalPort())) {
                    return s.getLocalPort();
                }
            }
        }
    }
}

package io.swiftserve.cluster;

import static org.awaitility.Awaitility.await;

import io.swiftserve.daemon.Node;
import io.swiftserve.transfer.TransferStats;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

/** Steering the swarm of a {@link TestCluster} mid-transfer: a seed that stalls, a node cut off, and the counters to print. */
public final class SwarmControl {
    private SwarmControl() {}

    /**
     * Stops node {@code i} of {@code cluster} as if its machine went away: its peer connections are cut
     * first, then it is closed, and any connection a peer re-dials meanwhile is cut again. (Node.close()
     * shuts the admin channel before the peer network, which can take a good part of a second during
     * which the node would go on sending and receiving chunks.) Returns once it is closed.
     */
    public static void stopPromptly(TestCluster cluster, int i) throws Exception {
        Node node = cluster.node(i);
        cutOff(node);
        ExecutorService stopper = Executors.newSingleThreadExecutor();
        try {
            Future<?> stopping = stopper.submit(() -> cluster.stop(i));
            await("node " + i + " stopped")
                    .atMost(Duration.ofSeconds(30))
                    .pollDelay(Duration.ZERO)
                    .pollInterval(Duration.ofMillis(2))
                    .until(() -> {
                        cutOff(node);
                        return stopping.isDone();
                    });
            stopping.get();
        } finally {
            stopper.shutdownNow();
        }
    }

    /**
     * Refuses every peer from now on, closes every connection of {@code node} and waits until they are
     * closed: an upload its event loop had already begun writing still counts as sent before the close,
     * none after. Refusing first matters: peers redial a lost session at once, and a redial that lands
     * before the node is stopped would be served.
     */
    public static void cutOff(Node node) {
        node.network().setPeerFilter(id -> false);
        node.network()
                .sessions()
                .forEach(s ->
                        io.swiftserve.net.NetTestAccess.channel(s).close().awaitUninterruptibly(5, TimeUnit.SECONDS));
    }

    /**
     * Makes {@code seed} serve random bytes for every chunk requested after its first {@code honest}
     * chunk requests, so that a download from it stalls there (its peers drop it from the swarm)
     * instead of completing before a test gets to act. Undo with {@code corruptChunks(i -> false)}.
     */
    public static void stallAfter(Node seed, int honest) {
        AtomicInteger requests = new AtomicInteger();
        seed.transfer().corruptChunks(i -> requests.incrementAndGet() > honest);
    }

    /** One line per node: the transfer counters, for the test log. */
    public static String counters(List<Node> nodes) {
        StringBuilder sb = new StringBuilder();
        for (int i = 0; i < nodes.size(); i++) {
            TransferStats s = nodes.get(i).transfer().stats();
            sb.append(String.format(
                    "  node %d (%s): bytesUp=%,d bytesDown=%,d chunksVerified=%d chunksFailed=%d bitmapSaves=%d%n",
                    i,
                    nodes.get(i).key().id().shortId(),
                    s.bytesUp.get(),
                    s.bytesDown.get(),
                    s.chunksVerified.get(),
                    s.chunksFailed.get(),
                    s.bitmapSaves.get()));
        }
        return sb.toString();
    }

    /** Waits until no node's chunk bytes received change for half a second; returns each node's count. */
    public static long[] settledBytesDown(List<Node> nodes, Duration atMost) {
        long[][] last = {new long[0]};
        await("no chunk bytes in flight")
                .atMost(atMost)
                .during(Duration.ofMillis(500))
                .pollInterval(Duration.ofMillis(100))
                .until(() -> {
                    long[] now = nodes.stream()
                            .mapToLong(n -> n.transfer().stats().bytesDown.get())
                            .toArray();
                    boolean same = java.util.Arrays.equals(now, last[0]);
                    last[0] = now;
                    return same;
                });
        return last[0];
    }
}

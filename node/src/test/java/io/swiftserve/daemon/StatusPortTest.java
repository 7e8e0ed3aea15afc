package io.swiftserve.daemon;

import static org.assertj.core.api.Assertions.assertThat;

import io.swiftserve.cluster.TestCluster;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.URI;
import java.nio.file.Path;
import org.junit.jupiter.api.AutoClose;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/** With --status-port 0 a restarted daemon keeps its status page's port when it is free. */
@Timeout(60)
class StatusPortTest {
    @TempDir
    Path dir;

    @AutoClose
    private TestCluster cluster;

    @Test
    void aRestartKeepsThePortAndTakesAnotherWhenItIsTaken() throws Exception {
        cluster = new TestCluster(dir.resolve("cluster"));
        int first = port(cluster.found().statusUrl());
        cluster.stop(0);
        int again = port(cluster.restart(0).statusUrl());
        System.out.printf("[StatusPortTest] status page on %d, after a restart on %d%n", first, again);
        assertThat(again).isEqualTo(first);

        cluster.stop(0);
        try (ServerSocket squatter = new ServerSocket(first, 1, InetAddress.getByName("127.0.0.1"))) {
            int other = port(cluster.restart(0).statusUrl());
            System.out.printf(
                    "[StatusPortTest] port %d taken by another program: the page moved to %d%n", first, other);
            assertThat(other).isPositive().isNotEqualTo(first);
        }
    }

    private static int port(String url) {
        return URI.create(url).getPort();
    }
}

package io.swiftserve.ops;

import static org.assertj.core.api.Assertions.assertThat;

import io.swiftserve.cluster.Checkout;
import io.swiftserve.cluster.Processes;
import java.io.IOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Random;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/** scripts/cluster.sh with real daemons: graceful stop, kill then start at once, down with and without --purge. */
@Timeout(value = 300, unit = TimeUnit.SECONDS)
class ClusterScriptIT {
    @TempDir
    static Path jarDir;

    private static Path jar;

    @TempDir
    Path dir;

    private Path cluster;

    @BeforeAll
    static void copyTheJar() {
        jar = Checkout.copyOfTheJar(jarDir);
    }

    /** Whatever a failed run left: the daemons the script started, by the pids it wrote. */
    @AfterEach
    void killLeftovers() throws IOException {
        for (int i = 1; i <= 2; i++) {
            Optional<ProcessHandle> p = pid(i).flatMap(ProcessHandle::of);
            p.ifPresent(ProcessHandle::destroyForcibly);
        }
    }

    private Processes.Run cluster(Map<String, String> env, String shell) throws Exception {
        Map<String, String> all = new HashMap<>(env);
        all.put("SWIFTSERVE_CLUSTER", cluster.toString());
        all.put("SWIFTSERVE_JAR", jar.toString());
        all.put("C", Checkout.scripts().resolve("cluster.sh").toString());
        return Processes.run(dir, List.of("bash", "-c", shell), all);
    }

    private Optional<Long> pid(int node) throws IOException {
        Path f = cluster.resolve("node" + node).resolve("pid");
        return Files.isRegularFile(f)
                ? Optional.of(Long.parseLong(Files.readString(f).strip()))
                : Optional.empty();
    }

    private boolean running(int node) throws IOException {
        return pid(node).map(p -> !exited(p)).orElse(false);
    }

    /**
     * Gone, or a zombie: the script's daemons outlive the shell that started them, and whoever
     * inherits them (pid 1 of a container, say) may never reap them; a zombie holds no lock or port.
     */
    private static boolean exited(long pid) {
        if (ProcessHandle.of(pid).isEmpty()) {
            return true;
        }
        try {
            return Files.readAllLines(Path.of("/proc/" + pid + "/status")).stream()
                    .anyMatch(l -> l.matches("State:\\s+Z.*"));
        } catch (IOException gone) {
            return true;
        }
    }

    @Test
    void stopKillStartAndDown() throws Exception {
        cluster = dir.resolve("cluster");
        int peerBase = freePorts(2);
        int statusBase = freePorts(2);
        Processes.Run up = cluster(
                Map.of("STATUS_PORT_BASE", Integer.toString(statusBase)), "\"$C\" up 2 --base-port " + peerBase);
        assertThat(up.exit()).as("%s", up).isZero();
        assertThat(up.out())
                .contains("http://127.0.0.1:" + statusBase + "/", "http://127.0.0.1:" + (statusBase + 1) + "/");

        // graceful: SIGTERM, and the script returns once the daemon has exited by itself
        long node2 = pid(2).orElseThrow();
        Processes.Run stop = cluster(Map.of(), "\"$C\" stop 2");
        assertThat(stop.exit()).as("%s", stop).isZero();
        assertThat(exited(node2)).isTrue();
        assertThat(Files.readString(cluster.resolve("node2/log"))).contains("node stopped");
        Processes.Run status = cluster(Map.of(), "\"$C\" status");
        assertThat(status.out().lines()).anySatisfy(l -> assertThat(l).matches("2 +- +stopped"));
        Processes.Run again = cluster(Map.of(), "\"$C\" stop 2");
        assertThat(again.exit()).isEqualTo(1);
        assertThat(again.err().strip()).isEqualTo("cluster: node 2 is not running");

        // kill and start straight after: start waits for the old process and its lock
        for (int round = 0; round < 3; round++) {
            Processes.Run bounce =
                    cluster(Map.of(), "\"$C\" start 2 && \"$C\" kill 1 && \"$C\" start 1 && \"$C\" kill 2");
            assertThat(bounce.exit()).as("round %d: %s", round, bounce).isZero();
        }
        assertThat(running(1)).isTrue();
        assertThat(running(2)).isFalse();

        // down keeps data and logs; a second up is refused until --purge
        long node1 = pid(1).orElseThrow();
        Processes.Run down = cluster(Map.of(), "\"$C\" down");
        assertThat(down.exit()).as("%s", down).isZero();
        assertThat(exited(node1)).isTrue();
        assertThat(Files.readString(cluster.resolve("node1/log"))).contains("node stopped");
        assertThat(cluster.resolve("node2/node.key")).isRegularFile();
        Processes.Run refused = cluster(Map.of(), "\"$C\" up 2 --base-port " + peerBase);
        assertThat(refused.exit()).isEqualTo(1);
        assertThat(refused.err().strip()).contains("down --purge").doesNotContain("\n");

        Processes.Run purge = cluster(Map.of(), "\"$C\" down --purge");
        assertThat(purge.exit()).as("%s", purge).isZero();
        assertThat(cluster).doesNotExist();
    }

    /** The first of {@code n} consecutive ports that were free a moment ago. */
    private static int freePorts(int n) throws IOException {
        Random random = new Random();
        for (int attempt = 0; attempt < 100; attempt++) {
            int base = 20_000 + random.nextInt(20_000);
            List<ServerSocket> held = new ArrayList<>();
            try {
                for (int i = 0; i < n; i++) {
                    held.add(new ServerSocket(base + i, 1, InetAddress.getLoopbackAddress()));
                }
                return base;
            } catch (IOException taken) {
                // try another
            } finally {
                for (ServerSocket s : held) {
                    s.close();
                }
            }
        }
        throw new IOException("no " + n + " consecutive free ports found");
    }
}

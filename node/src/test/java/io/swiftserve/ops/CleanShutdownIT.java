package io.swiftserve.ops;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import io.swiftserve.cluster.Checkout;
import io.swiftserve.cluster.Processes;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * What systemd relies on when it stops the service: SIGTERM makes the daemon close its channels,
 * flush RocksDB and exit 0 within seconds, and the data dir opens again cleanly.
 */
@Timeout(value = 240, unit = TimeUnit.SECONDS)
class CleanShutdownIT {
    @TempDir
    static Path jarDir;

    private static Path jar;

    @TempDir
    Path dir;

    private final List<Process> started = new ArrayList<>();

    @BeforeAll
    static void copyTheJar() {
        jar = Checkout.copyOfTheJar(jarDir);
    }

    @AfterEach
    void killLeftovers() throws InterruptedException {
        Processes.killAll(started);
    }

    private Process daemon(Path log, List<String> command, Map<String, String> env) throws Exception {
        Process p = Processes.builder(command, env)
                .redirectErrorStream(true)
                .redirectOutput(log.toFile())
                .start();
        started.add(p);
        return p;
    }

    private Process runJar(Path data, Path log) throws Exception {
        return daemon(log, Processes.javaJar(jar, "run", "--data", data.toString(), "--port", "0"), Map.of());
    }

    private void init(Path data) throws Exception {
        Processes.Run init = Processes.cli(dir, jar, "init", "--data", data.toString(), "--network", "lab");
        assertThat(init.exit()).as("%s", init).isZero();
    }

    @Test
    void sigtermExitsZeroRemovesTheAdminPortAndTheStoreReopensAtTheSameHead() throws Exception {
        Path data = dir.resolve("data");
        init(data);
        Path log1 = dir.resolve("run1.log");
        Process first = runJar(data, log1);
        Processes.awaitStatus(dir, jar, data, first, log1);
        assertThat(data.resolve("admin.port")).exists();

        // something RocksDB must have flushed: a file transaction sealed into block #1
        Path sample = dir.resolve("sample.bin");
        byte[] bytes = new byte[3 << 20];
        new Random(7).nextBytes(bytes);
        Files.write(sample, bytes);
        Processes.Run add = Processes.cli(dir, jar, "add", "--data", data.toString(), sample.toString(), "--json");
        assertThat(add.exit()).as("%s", add).isZero();
        JsonNode before = await("the file transaction sealed")
                .atMost(Processes.DAEMON_UP)
                .pollInterval(Duration.ofMillis(300))
                .until(
                        () -> Processes.cli(dir, jar, "status", "--data", data.toString(), "--json")
                                .json(),
                        s -> s.path("height").asLong() >= 1);

        Processes.terminate(first, log1);
        assertThat(Files.readString(log1))
                .as("the log of the first run")
                .contains("node stopped")
                .doesNotContain("\tat ")
                .doesNotContain(" ERROR ");
        assertThat(data.resolve("admin.port"))
                .as("admin.port after a clean stop")
                .doesNotExist();
        Processes.Run down = Processes.cli(dir, jar, "status", "--data", data.toString());
        assertThat(down.exit()).as("status with the daemon stopped: %s", down).isEqualTo(3);

        // RocksDB's lock was released and its data is intact: a second run opens it at the same head
        Path log2 = dir.resolve("run2.log");
        Process second = runJar(data, log2);
        JsonNode after = Processes.awaitStatus(dir, jar, data, second, log2);
        assertThat(after.path("nodeId").asText())
                .isEqualTo(before.path("nodeId").asText());
        assertThat(after.path("height").asLong())
                .isEqualTo(before.path("height").asLong());
        assertThat(after.path("headHash").asText())
                .isEqualTo(before.path("headHash").asText());
        Processes.Run ls = Processes.cli(dir, jar, "ls", "--data", data.toString(), "--json");
        assertThat(ls.exit()).as("%s", ls).isZero();
        assertThat(ls.out()).as("ls after the restart").contains("sample.bin");
        assertThat(Files.readString(log2))
                .as("the log of the second run")
                .doesNotContain("\tat ")
                .doesNotContain(" ERROR ");

        Processes.terminate(second, log2);
        assertThat(Files.readString(log2)).contains("node stopped");
        assertThat(data.resolve("admin.port")).doesNotExist();
    }

    /** systemd signals the process it started, the launcher: it must exec java, not wait on it. */
    @Test
    void sigtermToTheLauncherReachesTheJvm() throws Exception {
        Path data = dir.resolve("data");
        init(data);
        Path log = dir.resolve("launcher.log");
        Process launcher = daemon(
                log,
                List.of(
                        "bash",
                        Checkout.scripts().resolve("swiftserve").toString(),
                        "run",
                        "--data",
                        data.toString(),
                        "--port",
                        "0"),
                Map.of("SWIFTSERVE_JAR", jar.toString(), "SWIFTSERVE_JAVA_OPTS", "-Xmx256m -XX:TieredStopAtLevel=1"));
        Processes.awaitStatus(dir, jar, data, launcher, log);
        assertThat(launcher.info().command())
                .as("the launcher's process after start-up (exec)")
                .hasValueSatisfying(
                        c -> assertThat(Path.of(c).getFileName().toString()).isEqualTo("java"));
        assertThat(launcher.descendants().count())
                .as("processes under the launcher's pid")
                .isZero();

        Processes.terminate(launcher, log);
        assertThat(Files.readString(log)).contains("node stopped");
        assertThat(data.resolve("admin.port")).doesNotExist();
    }
}

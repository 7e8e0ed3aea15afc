package io.swiftserve.cluster;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.File;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;

/**
 * Bounded runs of real processes (scripts, {@code java -jar}) for the process-level tests (*IT): every
 * wait has a limit, and what is left running is killed. The jar and {@code scripts/} come from
 * {@link Checkout}.
 */
public final class Processes {
    public static final Duration COMMAND_LIMIT = Duration.ofSeconds(60);
    public static final Duration DAEMON_UP = Duration.ofSeconds(60);
    private static final ObjectMapper JSON = new ObjectMapper();

    private Processes() {}

    /** One finished process: exit code and both streams. */
    public record Run(List<String> command, int exit, String out, String err) {
        public JsonNode json() throws IOException {
            return JSON.readTree(out);
        }

        public List<String> errLines() {
            return err.lines().filter(l -> !l.isBlank()).toList();
        }

        @Override
        public String toString() {
            return String.join(" ", command) + "\nexit " + exit + "\n--- stdout\n" + out + "--- stderr\n" + err;
        }
    }

    /** The java of the JVM running the tests. */
    public static String java() {
        return Path.of(System.getProperty("java.home"), "bin", "java").toString();
    }

    /** An executable named {@code name} on PATH. */
    public static Optional<Path> onPath(String name) {
        String path = System.getenv().getOrDefault("PATH", "");
        List<String> dirs = new ArrayList<>(List.of(path.split(File.pathSeparator)));
        dirs.addAll(List.of("/usr/bin", "/bin", "/usr/sbin", "/sbin"));
        return dirs.stream()
                .filter(d -> !d.isEmpty())
                .map(d -> Path.of(d, name))
                .filter(p -> Files.isRegularFile(p) && Files.isExecutable(p))
                .findFirst();
    }

    /**
     * A process builder for {@code command} with a clean swiftserve environment (PORT, MACHINE_IP,
     * AUTO_DETECT_IP, DESTDIR of the machine running the build must not decide) and this JVM's java
     * first on PATH.
     */
    public static ProcessBuilder builder(List<String> command, Map<String, String> env) {
        ProcessBuilder pb = new ProcessBuilder(command);
        pb.environment()
                .keySet()
                .removeAll(List.of(
                        "PORT",
                        "MACHINE_IP",
                        "AUTO_DETECT_IP",
                        "DESTDIR",
                        "SWIFTSERVE_JAR",
                        "SWIFTSERVE_JAVA_OPTS",
                        "SWIFTSERVE_ARGS",
                        "SWIFTSERVE_DATA"));
        // a swiftserve process in a test reads no config file of this machine: an empty one of its own
        pb.environment().put("SWIFTSERVE_CONFIG", "/dev/null");
        pb.environment()
                .put(
                        "PATH",
                        Path.of(java()).getParent()
                                + File.pathSeparator
                                + System.getenv().getOrDefault("PATH", "/usr/bin:/bin"));
        pb.environment().putAll(env);
        return pb;
    }

    /** Runs {@code command} to completion within {@link #COMMAND_LIMIT}, output in files under {@code dir}. */
    public static Run run(Path dir, List<String> command, Map<String, String> env)
            throws IOException, InterruptedException {
        Path out = Files.createTempFile(dir, "run-", ".out");
        Path err = Files.createTempFile(dir, "run-", ".err");
        Process p = builder(command, env)
                .redirectOutput(out.toFile())
                .redirectError(err.toFile())
                .start();
        if (!p.waitFor(COMMAND_LIMIT.toSeconds(), TimeUnit.SECONDS)) {
            p.descendants().forEach(ProcessHandle::destroyForcibly);
            p.destroyForcibly();
            p.waitFor(10, TimeUnit.SECONDS);
            throw new AssertionError(String.join(" ", command) + " did not finish within " + COMMAND_LIMIT);
        }
        return new Run(
                command,
                p.exitValue(),
                Files.readString(out, StandardCharsets.UTF_8),
                Files.readString(err, StandardCharsets.UTF_8));
    }

    /** {@code java -jar JAR ARGS} to completion. */
    public static Run cli(Path dir, Path jar, String... args) throws IOException, InterruptedException {
        return run(dir, javaJar(jar, args), Map.of());
    }

    /** The command line of {@code java -jar JAR ARGS}: small heap and C1 only, as many daemons share the machine. */
    public static List<String> javaJar(Path jar, String... args) {
        List<String> cmd =
                new ArrayList<>(List.of(java(), "-Xmx256m", "-XX:TieredStopAtLevel=1", "-jar", jar.toString()));
        cmd.addAll(List.of(args));
        return cmd;
    }

    /** Polls {@code status --json} of {@code data} until it answers; fails at once, with the log, if the daemon exits. */
    public static JsonNode awaitStatus(Path dir, Path jar, Path data, Process daemon, Path log) {
        AtomicReference<JsonNode> status = new AtomicReference<>();
        await("status of the daemon of " + data)
                .atMost(DAEMON_UP)
                .pollDelay(Duration.ZERO)
                .pollInterval(Duration.ofMillis(300))
                .failFast(() -> {
                    if (!daemon.isAlive()) {
                        throw new AssertionError(
                                "the daemon exited with " + daemon.exitValue() + ":\n" + Files.readString(log));
                    }
                })
                .until(() -> {
                    Run r = cli(dir, jar, "status", "--data", data.toString(), "--json");
                    if (r.exit() == 0) {
                        status.set(r.json());
                        return true;
                    }
                    return false;
                });
        return status.get();
    }

    /** SIGTERM (what systemd sends, what {@link Process#destroy()} sends): gone within 10 s, exit 0. */
    public static void terminate(Process daemon, Path log) throws IOException, InterruptedException {
        daemon.destroy();
        boolean gone = daemon.waitFor(10, TimeUnit.SECONDS);
        if (!gone) {
            daemon.destroyForcibly();
            daemon.waitFor(10, TimeUnit.SECONDS);
        }
        assertThat(gone)
                .as("the daemon stopped within 10 s of SIGTERM; its log:%n%s", Files.readString(log))
                .isTrue();
        assertThat(daemon.exitValue())
                .as("exit code after SIGTERM; the log:%n%s", Files.readString(log))
                .isZero();
    }

    /** Kills whatever of {@code processes} still runs (after a failed assertion). */
    public static void killAll(List<Process> processes) throws InterruptedException {
        for (Process p : processes) {
            if (p.isAlive()) {
                p.descendants().forEach(ProcessHandle::destroyForcibly);
                p.destroyForcibly();
                p.waitFor(10, TimeUnit.SECONDS);
            }
        }
    }
}

package io.swiftserve.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Runs {@code java -jar swiftserve.jar ...} as real processes: one-shot commands to completion, daemons
 * in the background with their output in files. Every wait is bounded; {@link #close()} kills what is
 * still running.
 */
final class JarRunner implements AutoCloseable {
    static final Duration COMMAND_LIMIT = Duration.ofSeconds(60);
    static final Duration DAEMON_UP = Duration.ofSeconds(60);
    private static final ObjectMapper JSON = new ObjectMapper();

    private final Path jar;
    private final Path dir;
    private final List<Process> processes = new ArrayList<>();
    private int invocation;

    JarRunner(Path jar, Path dir) {
        this.jar = jar;
        this.dir = dir;
    }

    /** What one invocation printed, and its exit code. */
    record Run(int exit, String out, String err) {
        List<String> errLines() {
            return err.lines().filter(l -> !l.isBlank()).toList();
        }

        JsonNode json() throws IOException {
            return JSON.readTree(out);
        }

        @Override
        public String toString() {
            return "exit " + exit + "\n--- stdout\n" + out + "--- stderr\n" + err;
        }
    }

    private ProcessBuilder java(List<String> args) {
        List<String> cmd = new ArrayList<>(List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-Xmx256m", "-XX:TieredStopAtLevel=1", "-jar", jar.toString()));
        cmd.addAll(args);
        ProcessBuilder pb = new ProcessBuilder(cmd);
        // the flags under test decide, not whatever the machine running the build exports
        pb.environment().keySet().removeAll(List.of("PORT", "MACHINE_IP", "AUTO_DETECT_IP"));
        return pb;
    }

    /** Runs one command to completion and captures both streams. */
    synchronized Run cli(String... args) throws IOException, InterruptedException {
        int n = invocation++;
        Path out = dir.resolve("cli-" + n + ".out");
        Path err = dir.resolve("cli-" + n + ".err");
        Process p = java(List.of(args)).redirectOutput(out.toFile()).redirectError(err.toFile()).start();
        processes.add(p);
        if (!p.waitFor(COMMAND_LIMIT.toSeconds(), TimeUnit.SECONDS)) {
            p.destroyForcibly();
            throw new AssertionError("swiftserve " + String.join(" ", args) + " did not finish within " + COMMAND_LIMIT);
        }
        return new Run(p.exitValue(), Files.readString(out, StandardCharsets.UTF_8), Files.readString(err, StandardCharsets.UTF_8));
    }

    /** {@code run ARGS} in the background; stdout and stderr go to NAME.log and NAME.err. */
    synchronized Process daemon(String name, String... args) throws IOException {
        List<String> all = new ArrayList<>(List.of("run"));
        all.addAll(List.of(args));
        Process p = java(all).redirectOutput(dir.resolve(name + ".log").toFile())
                .redirectError(dir.resolve(name + ".err").toFile()).start();
        processes.add(p);
        return p;
    }

    /** Everything daemon {@code name} printed so far. */
    String log(String name) throws IOException {
        return Files.readString(dir.resolve(name + ".log")) + Files.readString(dir.resolve(name + ".err"));
    }

    /** Polls {@code status --json} until it answers; fails at once, with the log, if the daemon exits. */
    JsonNode awaitStatus(Path data, Process daemon, String name) {
        AtomicReference<JsonNode> status = new AtomicReference<>();
        await("status of " + name).atMost(DAEMON_UP).pollDelay(Duration.ZERO).pollInterval(Duration.ofMillis(300))
                .failFast(() -> {
                    if (!daemon.isAlive()) {
                        throw new AssertionError("daemon " + name + " exited with " + daemon.exitValue() + ":\n" + log(name));
                    }
                })
                .until(() -> {
                    Run r = cli("status", "--data", data.toString(), "--json");
                    if (r.exit() == 0) {
                        status.set(r.json());
                        return true;
                    }
                    return false;
                });
        return status.get();
    }

    /** SIGTERM (what systemd sends); the daemon must be gone within 10 s with exit code 0. */
    static void terminate(Process daemon) throws InterruptedException {
        daemon.destroy();
        assertThat(daemon.waitFor(10, TimeUnit.SECONDS)).as("stopped within 10 s of SIGTERM").isTrue();
        assertThat(daemon.exitValue()).as("exit code after SIGTERM").isZero();
    }

    /** A failure told in one line: "swiftserve: ...", non-zero exit, no stack trace anywhere. */
    static void assertOneLineError(Run r) {
        assertThat(r.exit()).as("exit code of %s", r).isNotZero();
        List<String> lines = r.errLines();
        assertThat(lines).as("stderr of %s", r).isNotEmpty();
        assertThat(lines.get(0)).as("the error line of %s", r).startsWith("swiftserve: ");
        // picocli follows a usage error with "Try 'swiftserve X --help'.": a hint, not a second error
        assertThat(lines.subList(1, lines.size())).as("stderr after the error line of %s", r)
                .allMatch(l -> l.matches("Try 'swiftserve( \\w+)? --help'\\."));
        assertThat(r.err()).as("stderr of %s", r).doesNotContain("\tat ").doesNotContain("Exception");
        assertThat(r.out()).as("stdout of %s", r).doesNotContain("\tat ").doesNotContain("Exception");
    }

    /** The 64-hex id printed after {@code label}. */
    static String hexAfter(String label, String text) {
        Matcher m = Pattern.compile(Pattern.quote(label) + "\\s*([0-9a-f]{64})").matcher(text);
        assertThat(m.find()).as("'%s' followed by a 64-hex id in:%n%s", label, text).isTrue();
        return m.group(1);
    }

    @Override
    public synchronized void close() throws InterruptedException {
        for (Process p : processes) {
            if (p.isAlive()) {
                p.descendants().forEach(ProcessHandle::destroyForcibly);
                p.destroyForcibly();
                p.waitFor(10, TimeUnit.SECONDS);
            }
        }
    }
}

package io.swiftserve.cli;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import io.swiftserve.cluster.Processes;
import io.swiftserve.cluster.Processes.Run;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Runs {@code java -jar swiftserve.jar ...} as real processes, on {@link Processes}: one-shot commands
 * to completion, daemons in the background with their output in NAME.log. Every wait is bounded;
 * {@link #close()} kills what is still running.
 */
final class JarRunner implements AutoCloseable {
    private final Path jar;
    private final Path dir;
    private final List<Process> processes = new ArrayList<>();

    JarRunner(Path jar, Path dir) {
        this.jar = jar;
        this.dir = dir;
    }

    /** Runs one command to completion and captures both streams. */
    Run cli(String... args) throws IOException, InterruptedException {
        return Processes.cli(dir, jar, args);
    }

    /** {@code run ARGS} in the background; stdout and stderr go to NAME.log. */
    synchronized Process daemon(String name, String... args) throws IOException {
        List<String> all = new ArrayList<>(List.of("run"));
        all.addAll(List.of(args));
        Process p = Processes.builder(Processes.javaJar(jar, all.toArray(String[]::new)), Map.of())
                .redirectErrorStream(true)
                .redirectOutput(logFile(name).toFile())
                .start();
        processes.add(p);
        return p;
    }

    private Path logFile(String name) {
        return dir.resolve(name + ".log");
    }

    /** Everything daemon {@code name} printed so far. */
    String log(String name) throws IOException {
        return Files.readString(logFile(name));
    }

    /** Polls {@code status --json} until it answers; fails at once, with the log, if the daemon exits. */
    JsonNode awaitStatus(Path data, Process daemon, String name) {
        return Processes.awaitStatus(dir, jar, data, daemon, logFile(name));
    }

    /** SIGTERM (what systemd sends); daemon {@code name} must be gone within 10 s with exit code 0. */
    void terminate(Process daemon, String name) throws IOException, InterruptedException {
        Processes.terminate(daemon, logFile(name));
    }

    /** A failure told in one line: "swiftserve: ...", non-zero exit, no stack trace anywhere. */
    static void assertOneLineError(Run r) {
        assertThat(r.exit()).as("exit code of %s", r).isNotZero();
        List<String> lines = r.errLines();
        assertThat(lines).as("stderr of %s", r).isNotEmpty();
        assertThat(lines.get(0)).as("the error line of %s", r).startsWith("swiftserve: ");
        // picocli follows a usage error with "Try 'swiftserve X --help'.": a hint, not a second error
        assertThat(lines.subList(1, lines.size()))
                .as("stderr after the error line of %s", r)
                .allMatch(l -> l.matches("Try 'swiftserve( \\w+)? --help'\\."));
        assertThat(r.err()).as("stderr of %s", r).doesNotContain("\tat ").doesNotContain("Exception");
        assertThat(r.out()).as("stdout of %s", r).doesNotContain("\tat ").doesNotContain("Exception");
    }

    /** The 64-hex id printed after {@code label}. */
    static String hexAfter(String label, String text) {
        Matcher m = Pattern.compile(Pattern.quote(label) + "\\s*([0-9a-f]{64})").matcher(text);
        assertThat(m.find())
                .as("'%s' followed by a 64-hex id in:%n%s", label, text)
                .isTrue();
        return m.group(1);
    }

    @Override
    public synchronized void close() throws InterruptedException {
        Processes.killAll(processes);
    }
}

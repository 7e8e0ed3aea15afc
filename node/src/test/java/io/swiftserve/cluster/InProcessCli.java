package io.swiftserve.cluster;

import io.swiftserve.cli.Main;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.InputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.regex.Pattern;

/**
 * Runs {@code swiftserve ARGS} in this JVM with the given stdin, capturing stdout as bytes ({@code proto
 * encode} writes binary) and stderr as text. picocli uses System.in/out/err as they are when the command
 * runs, so all three are swapped for the duration, under one lock. Log lines of in-process nodes may
 * land in stdout meanwhile (the console appender writes to System.out); {@code err} holds only the
 * CLI's own messages.
 */
public final class InProcessCli {
    private static final Object LOCK = new Object();
    private static final com.fasterxml.jackson.databind.ObjectMapper JSON =
            new com.fasterxml.jackson.databind.ObjectMapper();
    /** Log lines of in-process nodes ("13:20:44.263 INFO  PeerNetwork ...") share stdout with the command. */
    private static final Pattern LOG_LINE = Pattern.compile("^\\d\\d:\\d\\d:\\d\\d\\.\\d{3} .*");

    public record Result(int exitCode, byte[] stdout, String err) {
        public String out() {
            return new String(stdout, StandardCharsets.UTF_8);
        }

        /** The command's own output lines, without log lines of nodes running in this JVM. */
        public List<String> lines() {
            return out().lines()
                    .filter(l -> !l.isBlank() && !LOG_LINE.matcher(l).matches())
                    .toList();
        }

        public List<String> errLines() {
            return err.lines().filter(l -> !l.isBlank()).toList();
        }

        @Override
        public String toString() {
            return "exit " + exitCode + "\n--- stdout\n" + out() + "--- stderr\n" + err;
        }
    }

    private InProcessCli() {}

    /** Runs a command that must succeed and reads its output, without the nodes' log lines, as JSON. */
    public static com.fasterxml.jackson.databind.JsonNode json(String... args) {
        Result r = run(args);
        if (r.exitCode() != 0) {
            throw new AssertionError("expected exit 0 from " + String.join(" ", args) + ": " + r);
        }
        try {
            return JSON.readTree(String.join("\n", r.lines()));
        } catch (java.io.IOException e) {
            throw new AssertionError("not JSON from " + String.join(" ", args) + ": " + r, e);
        }
    }

    public static Result run(String... args) {
        return run(new byte[0], args);
    }

    public static Result run(byte[] stdin, String... args) {
        return run(System.getenv(), stdin, args);
    }

    /** With {@code env} as the command's whole environment (PORT, SWIFTSERVE_DATA, ...). */
    public static Result withEnv(java.util.Map<String, String> env, String... args) {
        return run(env, new byte[0], args);
    }

    private static Result run(java.util.Map<String, String> env, byte[] stdin, String... args) {
        synchronized (LOCK) {
            InputStream oldIn = System.in;
            PrintStream oldOut = System.out;
            PrintStream oldErr = System.err;
            ByteArrayOutputStream out = new ByteArrayOutputStream();
            ByteArrayOutputStream err = new ByteArrayOutputStream();
            try (PrintStream o = new PrintStream(out, true, StandardCharsets.UTF_8);
                    PrintStream e = new PrintStream(err, true, StandardCharsets.UTF_8)) {
                System.setIn(new ByteArrayInputStream(stdin));
                System.setOut(o);
                System.setErr(e);
                int code = Main.execute(env, args);
                o.flush();
                e.flush();
                return new Result(code, out.toByteArray(), err.toString(StandardCharsets.UTF_8));
            } finally {
                System.setIn(oldIn);
                System.setOut(oldOut);
                System.setErr(oldErr);
            }
        }
    }
}

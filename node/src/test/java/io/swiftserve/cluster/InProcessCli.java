package io.swiftserve.cluster;

import io.swiftserve.cli.Main;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.util.List;

/**
 * Runs the CLI in this JVM and captures what it prints. picocli writes to System.out/err as they
 * are when the command runs, so both are swapped for the duration, under one lock. Log lines of
 * in-process nodes may land in {@code out} meanwhile (the console appender writes to System.out);
 * {@code err} holds only the CLI's own messages.
 */
public final class InProcessCli {
    private static final Object LOCK = new Object();

    public record Result(int exitCode, String out, String err) {
        public List<String> errLines() {
            return err.lines().filter(l -> !l.isBlank()).toList();
        }
    }

    private InProcessCli() {
    }

    public static Result run(String... args) {
        synchronized (LOCK) {
            PrintStream oldOut = System.out;
            PrintStream oldErr = System.err;
            ByteArrayOutputStream out = new ByteArrayOutputStream();
            ByteArrayOutputStream err = new ByteArrayOutputStream();
            try (PrintStream o = new PrintStream(out, true, StandardCharsets.UTF_8);
                 PrintStream e = new PrintStream(err, true, StandardCharsets.UTF_8)) {
                System.setOut(o);
                System.setErr(e);
                int code = Main.execute(args);
                o.flush();
                e.flush();
                return new Result(code, out.toString(StandardCharsets.UTF_8), err.toString(StandardCharsets.UTF_8));
            } finally {
                System.setOut(oldOut);
                System.setErr(oldErr);
            }
        }
    }
}

package io.swiftserve.daemon;

import io.swiftserve.transfer.CompletedVersion;
import io.swiftserve.util.LogText;
import io.swiftserve.util.Threads;
import java.io.IOException;
import java.nio.file.Path;
import java.util.Map;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * {@code --on-complete CMD}: runs {@code /bin/sh -c CMD} each time a version becomes complete on
 * this node, with what it is in the environment. One at a time and in order, on a thread of its
 * own, so a slow hook never holds up a transfer; at most {@link #QUEUE} wait, and a hook that runs
 * past {@link #LIMIT_S} s is killed. Its output is appended to {@code DIR/hooks.log}, its exit
 * status goes to the daemon's log.
 */
final class CompletionHook implements AutoCloseable {
    private static final Logger log = LoggerFactory.getLogger(CompletionHook.class);
    static final int QUEUE = 1000;
    static final long LIMIT_S = 600;

    private final String command;
    private final Path dataDir;
    private final ExecutorService runner = new ThreadPoolExecutor(
            1, 1, 0, TimeUnit.MILLISECONDS, new ArrayBlockingQueue<>(QUEUE), Threads.named("hook"));
    private final AtomicInteger dropped = new AtomicInteger();

    CompletionHook(String command, Path dataDir) {
        this.command = command;
        this.dataDir = dataDir;
    }

    /** The hook {@code command} (null or blank: none) listening to {@code transfer}; null if none. */
    static CompletionHook attach(String command, Path dataDir, io.swiftserve.transfer.TransferService transfer) {
        if (command == null || command.isBlank()) {
            return null;
        }
        CompletionHook hook = new CompletionHook(command, dataDir);
        transfer.onVersionComplete(hook::completed);
        return hook;
    }

    /** Queues the hook for {@code v}; never blocks the caller. */
    void completed(CompletedVersion v) {
        if (runner.isShutdown()) {
            return;
        }
        try {
            runner.execute(() -> run(v));
        } catch (RejectedExecutionException e) {
            // a stuck hook must not grow the daemon's heap without bound
            if (dropped.getAndIncrement() == 0) {
                log.warn(
                        "on-complete hook: {} runs already wait; skipping {} v{} and later ones until they drain",
                        QUEUE,
                        LogText.escape(v.path()),
                        v.version());
            }
        }
    }

    private void run(CompletedVersion v) {
        dropped.set(0);
        ProcessBuilder pb = new ProcessBuilder("/bin/sh", "-c", command)
                .directory(dataDir.toFile())
                .redirectErrorStream(true)
                .redirectOutput(ProcessBuilder.Redirect.appendTo(
                        dataDir.resolve("hooks.log").toFile()));
        Map<String, String> env = pb.environment();
        env.put("SWIFTSERVE_PATH", v.path());
        env.put("SWIFTSERVE_FILE", v.file().toAbsolutePath().toString());
        env.put("SWIFTSERVE_VERSION", Long.toString(v.version()));
        env.put("SWIFTSERVE_FILE_ID", v.fileId().toString());
        env.put("SWIFTSERVE_MANIFEST", v.manifestHash().toString());
        env.put("SWIFTSERVE_SIZE", Long.toString(v.size()));
        env.put("SWIFTSERVE_DATA", dataDir.toAbsolutePath().toString());
        long start = System.nanoTime();
        try {
            Process p = pb.start();
            if (!p.waitFor(LIMIT_S, TimeUnit.SECONDS)) {
                p.destroyForcibly();
                log.warn(
                        "on-complete hook for {} v{} killed after {} s",
                        LogText.escape(v.path()),
                        v.version(),
                        LIMIT_S);
                return;
            }
            long ms = (System.nanoTime() - start) / 1_000_000;
            if (p.exitValue() == 0) {
                log.info("on-complete hook for {} v{} exited 0 in {} ms", LogText.escape(v.path()), v.version(), ms);
            } else {
                log.warn(
                        "on-complete hook for {} v{} exited {} in {} ms (its output is in hooks.log)",
                        LogText.escape(v.path()),
                        v.version(),
                        p.exitValue(),
                        ms);
            }
        } catch (IOException e) {
            log.warn(
                    "on-complete hook for {} v{} did not start: {}",
                    LogText.escape(v.path()),
                    v.version(),
                    e.getMessage());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    @Override
    public void close() {
        runner.shutdownNow();
    }
}

package io.swiftserve.util;

import java.util.concurrent.ThreadFactory;

/** Thread naming shared by the daemon's executors. */
public final class Threads {
    private Threads() {
    }

    /**
     * Daemon threads, all called {@code name}: thread dumps, logs and the benchmarks' per-thread CPU
     * group a pool by that one name. Daemon, so a forgotten executor never keeps the JVM alive;
     * every owner still shuts its executors down on close.
     */
    public static ThreadFactory named(String name) {
        return r -> {
            Thread t = new Thread(r, name);
            t.setDaemon(true);
            return t;
        };
    }
}

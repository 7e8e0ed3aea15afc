package io.swiftserve.util;

import java.util.concurrent.CancellationException;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Future;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.RejectedExecutionHandler;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledThreadPoolExecutor;
import java.util.concurrent.ThreadFactory;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** The daemon's executors: thread naming, and what happens to work handed over while they stop. */
public final class Threads {
    private static final Logger log = LoggerFactory.getLogger(Threads.class);

    /**
     * The daemon's executors hand work to each other (a block imported on the chain thread schedules
     * a timer task; a chunk hashed on the I/O pool is recorded on the transfer thread). While a close
     * stops them one after another, such a hand-over can meet an executor already stopped: it is
     * dropped with a debug line instead of throwing into the thread that handed it over. The queues
     * are unbounded, so nothing else is ever refused.
     */
    private static final RejectedExecutionHandler DROP_WHEN_STOPPING =
            (task, pool) -> log.debug("stopping: dropped work handed to a stopped executor");

    private Threads() {}

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

    /**
     * One thread that runs tasks in order, also delayed ones; drops work handed to it once stopped.
     * A task that throws is logged: a scheduled executor keeps the exception in a future nobody reads,
     * and a periodic task would stop repeating without a trace. Once shut down it still runs the work
     * already due (a close's last saves) but drops what was scheduled for later: by default the JDK
     * waits for those, and a retry or a batch flush seconds away held every node's close for the
     * five seconds its owner waits, in tests and under {@code systemctl stop} alike.
     */
    public static ScheduledExecutorService single(String name) {
        ScheduledThreadPoolExecutor executor = new ScheduledThreadPoolExecutor(1, named(name), DROP_WHEN_STOPPING) {
            @Override
            protected void afterExecute(Runnable task, Throwable thrown) {
                logFailure(task, thrown);
            }
        };
        executor.setExecuteExistingDelayedTasksAfterShutdownPolicy(false);
        return executor;
    }

    /** {@code threads} threads on one unbounded queue; drops work handed to it once stopped; logs a task that throws. */
    public static ExecutorService pool(int threads, String name) {
        return new ThreadPoolExecutor(
                threads,
                threads,
                0,
                TimeUnit.MILLISECONDS,
                new LinkedBlockingQueue<>(),
                named(name),
                DROP_WHEN_STOPPING) {
            @Override
            protected void afterExecute(Runnable task, Throwable thrown) {
                logFailure(task, thrown);
            }
        };
    }

    /**
     * Logs what a finished task threw. A task given to {@code execute} throws here directly; one given
     * to {@code submit} or {@code schedule} is a future whose failure only {@code get} shows. A future
     * whose caller composes on it is logged too: one line more for a failure, never one lost.
     */
    static void logFailure(Runnable task, Throwable thrown) {
        Throwable failure = thrown;
        if (failure == null && task instanceof Future<?> future && future.isDone() && !future.isCancelled()) {
            try {
                future.get();
            } catch (ExecutionException e) {
                failure = e.getCause();
            } catch (CancellationException e) {
                return;
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
        if (failure != null) {
            log.error("task on {} failed", Thread.currentThread().getName(), failure);
        }
    }
}

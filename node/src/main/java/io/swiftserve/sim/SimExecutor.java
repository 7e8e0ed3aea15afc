package io.swiftserve.sim;

import java.util.List;
import java.util.concurrent.AbstractExecutorService;
import java.util.concurrent.Callable;
import java.util.concurrent.Delayed;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One node's executor in the simulation: what the daemon runs on its chain, timer, transfer and event
 * loop threads runs here as tasks on the shared {@link SimScheduler}. A task that throws is logged, as
 * {@code util.Threads} does, and does not stop the simulation; shutting down drops the node's tasks.
 */
final class SimExecutor extends AbstractExecutorService implements ScheduledExecutorService {
    private static final Logger log = LoggerFactory.getLogger(SimExecutor.class);

    private final SimScheduler scheduler;
    private final String name;
    private boolean shutdown;

    SimExecutor(SimScheduler scheduler, String name) {
        this.scheduler = scheduler;
        this.name = name;
    }

    @Override
    public void execute(Runnable command) {
        if (!shutdown) {
            scheduler.after(0, guarded(command));
        }
    }

    private Runnable guarded(Runnable command) {
        return () -> {
            if (shutdown) {
                return;
            }
            try {
                command.run();
            } catch (RuntimeException e) {
                log.error("{}: task failed", name, e);
            }
        };
    }

    @Override
    public ScheduledFuture<?> schedule(Runnable command, long delay, TimeUnit unit) {
        Future<Void> f = new Future<>(scheduler);
        f.task = scheduler.after(unit.toNanos(delay), guarded(() -> {
            command.run();
            f.done = true;
        }));
        return f;
    }

    @Override
    public <V> ScheduledFuture<V> schedule(Callable<V> callable, long delay, TimeUnit unit) {
        Future<V> f = new Future<>(scheduler);
        f.task = scheduler.after(unit.toNanos(delay), guarded(() -> {
            try {
                f.value = callable.call();
            } catch (Exception e) {
                f.error = e;
            }
            f.done = true;
        }));
        return f;
    }

    @Override
    public ScheduledFuture<?> scheduleAtFixedRate(Runnable command, long initialDelay, long period, TimeUnit unit) {
        return repeat(command, unit.toNanos(initialDelay), unit.toNanos(period));
    }

    @Override
    public ScheduledFuture<?> scheduleWithFixedDelay(Runnable command, long initialDelay, long delay, TimeUnit unit) {
        return repeat(command, unit.toNanos(initialDelay), unit.toNanos(delay));
    }

    /** Tasks take no virtual time, so fixed rate and fixed delay are the same here. */
    private ScheduledFuture<?> repeat(Runnable command, long first, long period) {
        Future<Void> f = new Future<>(scheduler);
        Runnable[] tick = new Runnable[1];
        tick[0] = guarded(() -> {
            try {
                command.run();
            } finally {
                if (!f.isCancelled() && !shutdown) {
                    f.task = scheduler.after(period, tick[0]);
                }
            }
        });
        f.task = scheduler.after(first, tick[0]);
        return f;
    }

    @Override
    public void shutdown() {
        shutdown = true;
    }

    @Override
    public List<Runnable> shutdownNow() {
        shutdown = true;
        return List.of();
    }

    @Override
    public boolean isShutdown() {
        return shutdown;
    }

    @Override
    public boolean isTerminated() {
        return shutdown;
    }

    @Override
    public boolean awaitTermination(long timeout, TimeUnit unit) {
        return true;
    }

    /** A scheduled task's handle; nothing may block on it (there is no other thread to finish it). */
    private static final class Future<V> implements ScheduledFuture<V> {
        private final SimScheduler scheduler;
        SimScheduler.Task task;
        boolean done;
        boolean cancelled;
        V value;
        Exception error;

        Future(SimScheduler scheduler) {
            this.scheduler = scheduler;
        }

        @Override
        public long getDelay(TimeUnit unit) {
            return unit.convert(task.due - scheduler.nanos(), TimeUnit.NANOSECONDS);
        }

        @Override
        public int compareTo(Delayed o) {
            return Long.compare(getDelay(TimeUnit.NANOSECONDS), o.getDelay(TimeUnit.NANOSECONDS));
        }

        @Override
        public boolean cancel(boolean mayInterruptIfRunning) {
            if (done) {
                return false;
            }
            cancelled = true;
            task.cancelled = true;
            return true;
        }

        @Override
        public boolean isCancelled() {
            return cancelled;
        }

        @Override
        public boolean isDone() {
            return done || cancelled;
        }

        @Override
        public V get() throws ExecutionException {
            if (!done) {
                throw new IllegalStateException("a simulated task cannot be waited for; run the scheduler");
            }
            if (error != null) {
                throw new ExecutionException(error);
            }
            return value;
        }

        @Override
        public V get(long timeout, TimeUnit unit) throws ExecutionException, TimeoutException {
            return get();
        }
    }
}

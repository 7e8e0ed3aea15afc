package io.swiftserve.sim;

import java.util.PriorityQueue;
import java.util.function.BooleanSupplier;

/**
 * Virtual time for a whole simulated fleet: one queue of tasks ordered by due time, then by the order
 * they were queued, run one after another on the calling thread. Nothing else runs, so the same seed
 * gives the same order of every event, and a second of simulated time costs only the work done in it.
 */
public final class SimScheduler {
    private final PriorityQueue<Task> queue = new PriorityQueue<>();
    private long now;
    private long seq;
    private long executed;

    /** A task due at {@code due}; {@link #cancelled} ones are skipped when they come up. */
    static final class Task implements Comparable<Task> {
        final long due;
        final long order;
        final Runnable action;
        volatile boolean cancelled;

        Task(long due, long order, Runnable action) {
            this.due = due;
            this.order = order;
            this.action = action;
        }

        @Override
        public int compareTo(Task o) {
            int c = Long.compare(due, o.due);
            return c != 0 ? c : Long.compare(order, o.order);
        }
    }

    /** Virtual nanoseconds since the simulation began. */
    public long nanos() {
        return now;
    }

    /** Tasks run so far. */
    public long executed() {
        return executed;
    }

    Task at(long dueNanos, Runnable action) {
        Task t = new Task(Math.max(now, dueNanos), seq++, action);
        queue.add(t);
        return t;
    }

    Task after(long delayNanos, Runnable action) {
        return at(now + Math.max(0, delayNanos), action);
    }

    /**
     * Runs tasks in order until {@code done} holds (checked after each task) or virtual time passes
     * {@code limitNanos}; true when {@code done} held.
     */
    public boolean runUntil(BooleanSupplier done, long limitNanos) {
        while (!done.getAsBoolean()) {
            Task t = queue.peek();
            if (t == null || t.due > limitNanos) {
                now = Math.max(now, Math.min(limitNanos, t == null ? limitNanos : t.due));
                return done.getAsBoolean();
            }
            queue.poll();
            if (t.cancelled) {
                continue;
            }
            now = t.due;
            executed++;
            t.action.run();
        }
        return true;
    }

    /** Runs everything due up to {@code untilNanos}, then sets the time to it. */
    public void runFor(long nanos) {
        long until = now + nanos;
        runUntil(() -> false, until);
        now = until;
    }
}

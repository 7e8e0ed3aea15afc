package io.swiftserve.sim;

import java.util.ArrayDeque;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * One direction of a host's cable to the switch. The connections that have bytes to move share its
 * rate equally (processor sharing, as TCP flows on one link roughly do), each connection's messages
 * in order. A message leaves the port once its last byte did; the next stage takes it from there.
 */
final class Port {
    /** A message crossing this port; {@code next} runs when its last byte is through. */
    static final class Passage {
        final long bytes;
        final Runnable next;
        double remaining;

        Passage(long bytes, Runnable next) {
            this.bytes = bytes;
            this.next = next;
            this.remaining = bytes;
        }
    }

    private final SimScheduler scheduler;
    private final double bytesPerNano;
    /** Per connection, its messages in order; only each head is being served. */
    private final Map<Object, ArrayDeque<Passage>> active = new LinkedHashMap<>();

    private long lastUpdate;
    private SimScheduler.Task pending;
    private long bytesMoved;
    /** Time some connection had bytes to move through this port: the rest of the time it idled. */
    private long busyNanos;

    Port(SimScheduler scheduler, double bitsPerSecond) {
        this.scheduler = scheduler;
        this.bytesPerNano = bitsPerSecond / 8e9;
    }

    long bytesMoved() {
        return bytesMoved;
    }

    /** How long, up to now, this port has had bytes to move. */
    long busyNanos() {
        advance();
        return busyNanos;
    }

    void enqueue(Object connection, Passage p) {
        advance();
        active.computeIfAbsent(connection, k -> new ArrayDeque<>()).add(p);
        reschedule();
    }

    /** Serves every head for the time since the last update, at its equal share of the rate. */
    private void advance() {
        long now = scheduler.nanos();
        if (!active.isEmpty() && now > lastUpdate) {
            busyNanos += now - lastUpdate;
            double share = (now - lastUpdate) * bytesPerNano / active.size();
            for (ArrayDeque<Passage> q : active.values()) {
                q.peek().remaining -= share;
            }
        }
        lastUpdate = now;
    }

    private void reschedule() {
        if (pending != null) {
            pending.cancelled = true;
            pending = null;
        }
        if (active.isEmpty()) {
            return;
        }
        double least = Double.MAX_VALUE;
        for (ArrayDeque<Passage> q : active.values()) {
            least = Math.min(least, q.peek().remaining);
        }
        long delay = (long) Math.ceil(Math.max(0, least) * active.size() / bytesPerNano);
        pending = scheduler.after(delay, this::complete);
    }

    private void complete() {
        pending = null;
        advance();
        Iterator<ArrayDeque<Passage>> it = active.values().iterator();
        java.util.List<Passage> through = new java.util.ArrayList<>();
        while (it.hasNext()) {
            ArrayDeque<Passage> q = it.next();
            // a byte's worth of rounding counts as through
            while (!q.isEmpty() && q.peek().remaining < 1.0) {
                through.add(q.poll());
            }
            if (q.isEmpty()) {
                it.remove();
            }
        }
        reschedule();
        for (Passage p : through) {
            bytesMoved += p.bytes;
            p.next.run();
        }
    }
}

package io.swiftserve.sim;

import java.util.ArrayList;
import java.util.List;

/**
 * How busy the receivers' downlinks were in each quarter second after an add: where a swarm's idle
 * time lies, which the total ({@link Distribution#downIdleMeanSeconds}) does not say. A receiver
 * counts in a quarter it started without its copy, for its time in it until the copy was whole.
 */
final class DownlinkUse {
    static final long WINDOW_NANOS = 250_000_000L;

    private final List<Port> downlinks;
    private final long[] busyAtWindow;
    private final List<Double> quarters = new ArrayList<>();
    private long windowStart;

    /** {@code downlinks}: the receivers' ports, in the order of the completion times later given. */
    DownlinkUse(List<Port> downlinks, long start) {
        this.downlinks = downlinks;
        this.busyAtWindow = downlinks.stream().mapToLong(Port::busyNanos).toArray();
        this.windowStart = start;
    }

    /**
     * Closes the quarter that ended at {@code now}, if one did; {@code doneAt[i]} is when receiver
     * {@code i} held its copy, or negative. Call at every quarter's end (steps that divide it).
     */
    void advance(long now, long[] doneAt) {
        if (now - windowStart >= WINDOW_NANOS) {
            close(now, doneAt);
        }
    }

    /** Closes the quarter under way at {@code now}, the last one, however short. */
    void finish(long now, long[] doneAt) {
        if (now > windowStart) {
            close(now, doneAt);
        }
    }

    private void close(long now, long[] doneAt) {
        double sum = 0;
        int counted = 0;
        for (int i = 0; i < downlinks.size(); i++) {
            if (doneAt[i] >= 0 && doneAt[i] <= windowStart) {
                continue;
            }
            long until = doneAt[i] >= 0 ? Math.min(doneAt[i], now) : now;
            long busy = downlinks.get(i).busyNanos() - busyAtWindow[i];
            sum += Math.min(1.0, busy / (double) Math.max(1, until - windowStart));
            counted++;
        }
        for (int i = 0; i < downlinks.size(); i++) {
            busyAtWindow[i] = downlinks.get(i).busyNanos();
        }
        if (counted > 0) {
            quarters.add(sum / counted);
        }
        windowStart = now;
    }

    double[] quarters() {
        return quarters.stream().mapToDouble(Double::doubleValue).toArray();
    }
}

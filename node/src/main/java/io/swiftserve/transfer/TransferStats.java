package io.swiftserve.transfer;

import io.swiftserve.util.Ambient;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Node-wide transfer counters, and rates sampled once a second (bytes per second, smoothed over a
 * few seconds so the status page does not flicker).
 */
public final class TransferStats {
    public final AtomicLong bytesUp = new AtomicLong();
    public final AtomicLong bytesDown = new AtomicLong();
    public final AtomicLong chunksVerified = new AtomicLong();
    public final AtomicLong chunksFailed = new AtomicLong();
    /**
     * Chunks taken from a file on this node instead of a peer (a new version's unchanged chunks, a
     * fetch's, a kept-aside edit's), each checked against its hash; {@link #bytesDown} counts peers only.
     */
    public final AtomicLong chunksLocal = new AtomicLong();

    public final AtomicLong bytesLocal = new AtomicLong();
    public final AtomicLong filesCompleted = new AtomicLong();
    /** Chunk bitmaps written to the store while downloading (about one per file per second). */
    public final AtomicLong bitmapSaves = new AtomicLong();

    private final Rate up = new Rate();
    private final Rate down = new Rate();

    void sample() {
        up.sample(bytesUp.get());
        down.sample(bytesDown.get());
    }

    public double upRate() {
        return up.perSecond();
    }

    public double downRate() {
        return down.perSecond();
    }

    /** An exponentially smoothed rate of a growing counter, sampled about once a second. */
    public static final class Rate {
        private long lastValue = -1;
        private long lastNanos;
        private volatile double perSecond;

        public synchronized void sample(long value) {
            long now = Ambient.nanoTime();
            if (lastValue >= 0 && now > lastNanos) {
                double instant = (value - lastValue) * 1e9 / (now - lastNanos);
                perSecond = perSecond == 0 ? instant : 0.5 * perSecond + 0.5 * instant;
            }
            lastValue = value;
            lastNanos = now;
        }

        public double perSecond() {
            return perSecond;
        }
    }
}

package io.swiftserve.sim;

import java.time.Clock;
import java.time.Instant;
import java.time.ZoneId;
import java.time.ZoneOffset;

/** Wall-clock time for the chain in a simulation: a fixed start plus the scheduler's virtual time. */
final class SimClock extends Clock {
    /** 2026-12-01T00:00:00Z: fixed, so block timestamps and hashes repeat from run to run. */
    static final long START_MS = 1_796_083_200_000L;

    private final SimScheduler scheduler;

    SimClock(SimScheduler scheduler) {
        this.scheduler = scheduler;
    }

    @Override
    public long millis() {
        return START_MS + scheduler.nanos() / 1_000_000L;
    }

    @Override
    public Instant instant() {
        return Instant.ofEpochMilli(START_MS).plusNanos(scheduler.nanos());
    }

    @Override
    public ZoneId getZone() {
        return ZoneOffset.UTC;
    }

    @Override
    public Clock withZone(ZoneId zone) {
        return this;
    }
}

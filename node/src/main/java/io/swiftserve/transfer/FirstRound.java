package io.swiftserve.transfer;

import java.util.HashMap;
import java.util.Map;

/**
 * When a seed starts super-seeding a file, up to each peer asks for its first chunks within the same
 * few milliseconds, and the seed's uplink, shared fairly, finishes all those chunks together: every
 * peer then relays at once, the downlinks are swamped and then wait for the next round, in lockstep
 * for the rest of the file. Holding each peer's first chunk back by its turn times {@link #STEP_NANOS}
 * staggers the rounds once; fair sharing keeps them staggered. Nothing of the uplink is lost: the
 * peers already served have it meanwhile. Simulated (bench-sim.sh, seeds 1-2, 100 Mbit/s, 64 MiB):
 * 16 nodes 1.203-1.211 to 1.151-1.153 x T_min (the downlinks' idle time 0.70-0.73 to 0.42-0.43 s),
 * 8 nodes 1.119-1.121 to 1.112 (0.29 to 0.25 s), with steps of 5 to 20 ms alike.
 */
final class FirstRound<P> {
    /** A step between peers' first chunks: about a 128 KiB chunk's time at 100 Mbit/s. */
    static final long STEP_NANOS = Long.getLong("swiftserve.firstRoundStepMicros", 5_000) * 1_000;

    private final Map<P, Long> startAt = new HashMap<>();
    private long first = -1;

    /** The earliest moment this node may send {@code peer} a chunk of the file, as of {@code now}. */
    synchronized long startAt(P peer, long now) {
        Long at = startAt.get(peer);
        if (at == null) {
            if (first < 0) {
                first = now;
            }
            at = Math.max(now, first + startAt.size() * STEP_NANOS);
            startAt.put(peer, at);
        }
        return at;
    }
}

package io.swiftserve.sim;

import java.util.BitSet;
import java.util.HashMap;
import java.util.Map;

/**
 * Follows one file's chunks as they are delivered: the moment its seed has sent every chunk once,
 * and how many chunks each receiver still lacked then. Whatever they lacked is the tail: the seed
 * has nothing new to send, and the receivers must finish it from each other. This is how the
 * simulation's link model was found to hold relays back (docs/SCALE.md).
 */
final class SeedWatch {
    /** When the seed had sent every chunk once, and the fewest and most chunks a receiver lacked then. */
    record SeedPhase(long allSentNanos, int fewestMissing, int mostMissing) {}

    private final SimNet.Host seed;
    private final int chunks;
    private final BitSet sent = new BitSet();
    private final Map<SimNet.Host, BitSet> held = new HashMap<>();
    private SeedPhase phase;

    /** @param hosts every host of the run; all but the seed are receivers */
    SeedWatch(SimNet.Host seed, int chunks, Iterable<SimNet.Host> hosts) {
        this.seed = seed;
        this.chunks = chunks;
        for (SimNet.Host h : hosts) {
            if (h != seed) {
                held.put(h, new BitSet());
            }
        }
    }

    void delivered(SimNet.Host from, SimNet.Host to, int index, long nanos) {
        BitSet got = held.get(to);
        if (got != null) {
            got.set(index);
        }
        if (from != seed || phase != null) {
            return;
        }
        sent.set(index);
        if (sent.cardinality() == chunks) {
            int fewest = Integer.MAX_VALUE;
            int most = 0;
            for (BitSet h : held.values()) {
                int missing = chunks - h.cardinality();
                fewest = Math.min(fewest, missing);
                most = Math.max(most, missing);
            }
            phase = new SeedPhase(nanos, held.isEmpty() ? 0 : fewest, most);
        }
    }

    /** Null until the seed has sent every chunk. */
    SeedPhase phase() {
        return phase;
    }
}

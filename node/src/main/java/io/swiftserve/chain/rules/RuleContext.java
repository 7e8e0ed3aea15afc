package io.swiftserve.chain.rules;

import io.swiftserve.chain.Hash;
import java.time.Clock;

/** What the rules need beyond the blocks: the network, the local clock and limits. */
public record RuleContext(Hash networkId, Clock clock, long maxFutureSkewMs, int maxBlockBytes) {
    public static final long DEFAULT_MAX_FUTURE_SKEW_MS = 15_000;
    public static final int DEFAULT_MAX_BLOCK_BYTES = 3 << 20;

    public static RuleContext of(Hash networkId, Clock clock) {
        return new RuleContext(networkId, clock, DEFAULT_MAX_FUTURE_SKEW_MS, DEFAULT_MAX_BLOCK_BYTES);
    }
}

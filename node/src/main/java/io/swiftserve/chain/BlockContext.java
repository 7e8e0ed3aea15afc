package io.swiftserve.chain;

/** Where a transaction is being applied: the block's network, height and time, and its index in the block. */
public record BlockContext(Hash networkId, long height, long timestampMs, int txIndex) {

    /** Orders members by join: earlier block first, then earlier in the block. */
    long seniority() {
        return height * 65_536 + txIndex;
    }
}

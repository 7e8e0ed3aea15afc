package io.swiftserve.chain.rules;

import io.swiftserve.chain.Block;
import io.swiftserve.chain.InvalidException;
import io.swiftserve.chain.LedgerState;
import io.swiftserve.chain.Transaction;

/** Blocks stay small enough to travel in one control frame; empty blocks are pointless. */
public final class BlockSizeRule implements BlockRule {
    @Override
    public void check(Block block, Block parent, LedgerState parentState, RuleContext ctx) throws InvalidException {
        InvalidException.check(!block.transactions().isEmpty(), "block has no transactions");
        long bytes = block.transactions().stream()
                .mapToLong(Transaction::encodedSize)
                .sum();
        InvalidException.check(
                bytes <= ctx.maxBlockBytes(), "block is " + bytes + " bytes, over " + ctx.maxBlockBytes());
    }
}

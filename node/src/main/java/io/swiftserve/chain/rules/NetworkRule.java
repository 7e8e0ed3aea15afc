package io.swiftserve.chain.rules;

import io.swiftserve.chain.Block;
import io.swiftserve.chain.InvalidException;
import io.swiftserve.chain.LedgerState;

/** A block names the network (genesis hash) it belongs to. */
public final class NetworkRule implements BlockRule {
    @Override
    public void check(Block block, Block parent, LedgerState parentState, RuleContext ctx) throws InvalidException {
        InvalidException.check(ctx.networkId().equals(block.header().networkId()), "block is for another network");
    }
}

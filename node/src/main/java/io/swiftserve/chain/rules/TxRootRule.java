package io.swiftserve.chain.rules;

import io.swiftserve.chain.Block;
import io.swiftserve.chain.InvalidException;
import io.swiftserve.chain.LedgerState;

/** The header's transactions root matches the transactions carried. */
public final class TxRootRule implements BlockRule {
    @Override
    public void check(Block block, Block parent, LedgerState parentState, RuleContext ctx) throws InvalidException {
        InvalidException.check(
                Block.txRoot(block.transactions()).equals(block.header().txRoot()),
                "transactions root does not match the transactions");
    }
}

package io.swiftserve.chain.rules;

import io.swiftserve.chain.Block;
import io.swiftserve.chain.InvalidException;
import io.swiftserve.chain.LedgerState;

/** Height is the parent's plus one. */
public final class HeightRule implements BlockRule {
    @Override
    public void check(Block block, Block parent, LedgerState parentState, RuleContext ctx) throws InvalidException {
        InvalidException.check(
                block.height() == parent.height() + 1,
                "height " + block.height() + " does not follow parent height " + parent.height());
    }
}

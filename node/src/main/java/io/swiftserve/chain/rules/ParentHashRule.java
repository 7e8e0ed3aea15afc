package io.swiftserve.chain.rules;

import io.swiftserve.chain.Block;
import io.swiftserve.chain.InvalidException;
import io.swiftserve.chain.LedgerState;

/** The block links to its parent's hash. */
public final class ParentHashRule implements BlockRule {
    @Override
    public void check(Block block, Block parent, LedgerState parentState, RuleContext ctx) throws InvalidException {
        InvalidException.check(block.parentHash().equals(parent.hash()), "previous hash does not match the parent");
    }
}

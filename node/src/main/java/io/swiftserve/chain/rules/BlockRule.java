package io.swiftserve.chain.rules;

import io.swiftserve.chain.Block;
import io.swiftserve.chain.InvalidException;
import io.swiftserve.chain.LedgerState;

/** One header-level validity rule; {@code parentState} is the ledger state after {@code parent}. */
public interface BlockRule {
    void check(Block block, Block parent, LedgerState parentState, RuleContext ctx) throws InvalidException;
}

package io.swiftserve.chain.rules;

import io.swiftserve.chain.Block;
import io.swiftserve.chain.InvalidException;
import io.swiftserve.chain.LedgerState;

/** Time never runs backwards along the chain, and a block may not come from the far future. */
public final class TimestampRule implements BlockRule {
    @Override
    public void check(Block block, Block parent, LedgerState parentState, RuleContext ctx) throws InvalidException {
        long ts = block.header().timestampMs();
        InvalidException.check(ts >= parent.header().timestampMs(), "timestamp is before the parent's");
        InvalidException.check(
                ts <= ctx.clock().millis() + ctx.maxFutureSkewMs(),
                "timestamp is " + (ts - ctx.clock().millis()) + " ms in the future");
    }
}

package io.swiftserve.chain.rules;

import io.swiftserve.chain.Block;
import io.swiftserve.chain.InvalidException;
import io.swiftserve.chain.LedgerState;

/** Only a member at the parent state may seal: a stranger or a revoked key cannot. */
public final class SealerMembershipRule implements BlockRule {
    @Override
    public void check(Block block, Block parent, LedgerState parentState, RuleContext ctx) throws InvalidException {
        var sealer = block.header().sealer();
        InvalidException.check(!parentState.isRevoked(sealer), "sealer " + sealer.shortId() + " was revoked");
        InvalidException.check(parentState.isMember(sealer), "sealer " + sealer.shortId() + " is not a member");
    }
}

package io.swiftserve.chain.rules;

import io.swiftserve.chain.Block;
import io.swiftserve.chain.InvalidException;
import io.swiftserve.chain.LedgerState;

/** The sealer signed the exact header bytes. */
public final class SealerSignatureRule implements BlockRule {
    @Override
    public void check(Block block, Block parent, LedgerState parentState, RuleContext ctx) throws InvalidException {
        InvalidException.check(block.signatureValid(), "block signature invalid");
    }
}

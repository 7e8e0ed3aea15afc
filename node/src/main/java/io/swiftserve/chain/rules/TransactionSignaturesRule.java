package io.swiftserve.chain.rules;

import io.swiftserve.chain.Block;
import io.swiftserve.chain.InvalidException;
import io.swiftserve.chain.LedgerState;
import io.swiftserve.chain.Transaction;

/**
 * Every transaction is signed by its signer. Checked before a block is stored at all: the block hash
 * covers transaction ids but not their signatures, so a copy with a broken signature would otherwise
 * be stored under the honest block's hash and shadow it.
 */
public final class TransactionSignaturesRule implements BlockRule {
    @Override
    public void check(Block block, Block parent, LedgerState parentState, RuleContext ctx) throws InvalidException {
        for (int i = 0; i < block.transactions().size(); i++) {
            Transaction tx = block.transactions().get(i);
            InvalidException.check(
                    tx.signatureValid(), "transaction " + i + " (" + tx.id().shortHex() + ") signature invalid");
        }
    }
}

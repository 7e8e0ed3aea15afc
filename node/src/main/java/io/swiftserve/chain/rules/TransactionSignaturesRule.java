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
    /** Below this many transactions a block's signatures are checked on the calling thread alone. */
    static final int PARALLEL_FROM = 64;

    @Override
    public void check(Block block, Block parent, LedgerState parentState, RuleContext ctx) throws InvalidException {
        if (block.transactions().size() >= PARALLEL_FROM) {
            // a joiner replaying 100,000 versions spends most of its time verifying Ed25519
            // signatures: every core takes a share (each transaction remembers its answer), and the
            // loop below then names the first bad one, as a single thread would
            block.transactions().parallelStream().forEach(Transaction::signatureValid);
        }
        for (int i = 0; i < block.transactions().size(); i++) {
            Transaction tx = block.transactions().get(i);
            InvalidException.check(
                    tx.signatureValid(), "transaction " + i + " (" + tx.id().shortHex() + ") signature invalid");
        }
    }
}

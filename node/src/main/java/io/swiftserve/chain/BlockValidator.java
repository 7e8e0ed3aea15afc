package io.swiftserve.chain;

import io.swiftserve.chain.rules.BlockRule;
import io.swiftserve.chain.rules.BlockSizeRule;
import io.swiftserve.chain.rules.HeightRule;
import io.swiftserve.chain.rules.NetworkRule;
import io.swiftserve.chain.rules.ParentHashRule;
import io.swiftserve.chain.rules.RuleContext;
import io.swiftserve.chain.rules.SealerMembershipRule;
import io.swiftserve.chain.rules.SealerSignatureRule;
import io.swiftserve.chain.rules.TimestampRule;
import io.swiftserve.chain.rules.TransactionSignaturesRule;
import io.swiftserve.chain.rules.TxRootRule;
import java.util.List;

/**
 * Full validation of a block on top of its parent: every header rule, then every transaction
 * against the state as it evolves through the block. Pure; no I/O.
 */
public final class BlockValidator {
    /** Rules that need no state: cheap checks run before a block is even stored. */
    static final List<BlockRule> STATELESS = List.of(
            new NetworkRule(),
            new SealerSignatureRule(),
            new TxRootRule(),
            new BlockSizeRule(),
            new TransactionSignaturesRule());

    static final List<BlockRule> LINKAGE =
            List.of(new HeightRule(), new ParentHashRule(), new TimestampRule(), new SealerMembershipRule());

    private final RuleContext ctx;

    public BlockValidator(RuleContext ctx) {
        this.ctx = ctx;
    }

    public RuleContext context() {
        return ctx;
    }

    public void checkStateless(Block block) throws InvalidException {
        for (BlockRule rule : STATELESS) {
            rule.check(block, null, null, ctx);
        }
    }

    /**
     * Validates {@code block} on {@code parent} whose post-state is {@code parentState}; returns the
     * overlay holding the block's state changes.
     */
    public StateOverlay validate(Block block, Block parent, StateSource parentState) throws InvalidException {
        checkStateless(block);
        LedgerState before = new LedgerState(parentState);
        for (BlockRule rule : LINKAGE) {
            rule.check(block, parent, before, ctx);
        }
        StateOverlay overlay = new StateOverlay(parentState);
        LedgerState after = new LedgerState(overlay);
        List<Transaction> txs = block.transactions();
        for (int i = 0; i < txs.size(); i++) {
            try {
                TransactionRules.apply(
                        txs.get(i),
                        after,
                        new BlockContext(
                                ctx.networkId(), block.height(), block.header().timestampMs(), i));
            } catch (InvalidException e) {
                throw new InvalidException("transaction " + i + " (" + txs.get(i) + "): " + e.getMessage());
            }
        }
        return overlay;
    }

    /** Validates a genesis block: height 0, zero parent, one genesis transaction by the sealer. */
    public static StateOverlay validateGenesis(Block genesis, StateSource empty) throws InvalidException {
        InvalidException.check(genesis.height() == 0 && genesis.parentHash().equals(Hash.ZERO), "not a genesis block");
        InvalidException.check(genesis.header().networkId() == null, "genesis block names a network");
        InvalidException.check(genesis.signatureValid(), "genesis signature invalid");
        InvalidException.check(
                Block.txRoot(genesis.transactions()).equals(genesis.header().txRoot()), "genesis tx root");
        InvalidException.check(
                genesis.transactions().size() == 1
                        && genesis.transactions().get(0).kind() == io.swiftserve.proto.TransactionBody.KindCase.GENESIS
                        && genesis.transactions()
                                .get(0)
                                .signer()
                                .equals(genesis.header().sealer()),
                "genesis content");
        StateOverlay overlay = new StateOverlay(empty);
        TransactionRules.apply(
                genesis.transactions().get(0), new LedgerState(overlay), new BlockContext(null, 0, 0, 0));
        return overlay;
    }
}

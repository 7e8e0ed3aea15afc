package io.swiftserve.chain;

import io.swiftserve.identity.NodeId;
import java.util.List;
import java.util.Optional;

/**
 * A member's latest delivery record as the ledger points to it ({@code h/<key>}): what {@code where}
 * shows beside the live view. Reading one costs a block load, not a replay of the chain; the
 * history is {@link HoldingsAudit}'s.
 */
public record LastHoldings(long atMs, long height, Hash filesHash, HeldSet held) {
    public static Optional<LastHoldings> of(Blockchain chain, NodeId member) {
        LedgerState state = chain.state();
        Optional<Hash> txId = state.lastHoldingsTx(member);
        Optional<Block> block = txId.flatMap(state::includedAt).flatMap(chain::blockAt);
        if (txId.isEmpty() || block.isEmpty()) {
            return Optional.empty();
        }
        for (Transaction tx : block.get().transactions()) {
            if (tx.id().equals(txId.get())) {
                var h = tx.body().getHoldings();
                try {
                    return Optional.of(new LastHoldings(
                            block.get().header().timestampMs(),
                            h.getHeight(),
                            Hash.of(h.getFilesHash().toByteArray()),
                            HeldSet.fromRuns(h.getRunsList())));
                } catch (InvalidException | IllegalArgumentException e) {
                    return Optional.empty(); // the chain's rules took it, so this does not happen
                }
            }
        }
        return Optional.empty();
    }

    /**
     * Whether the record says version {@code fileId} is held, read against {@code files} (the
     * current ledger, path order, whose hash is {@code filesHash}); empty when the record speaks of
     * another file set (one before the last add or delete) or does not reach that version.
     */
    public Optional<Boolean> holds(List<FileEntry> files, Hash currentFilesHash, Hash fileId) {
        if (!filesHash.equals(currentFilesHash)) {
            return Optional.empty();
        }
        for (int i = 0; i < files.size() && i < held.versions(); i++) {
            if (files.get(i).fileId().equals(fileId)) {
                return Optional.of(held.holds(i));
            }
        }
        return Optional.empty();
    }
}

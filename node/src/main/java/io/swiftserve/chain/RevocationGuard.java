package io.swiftserve.chain;

import io.swiftserve.identity.NodeId;
import io.swiftserve.proto.TransactionBody;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.stream.Collectors;

/**
 * Revocation is final: a reorg may not adopt a branch that removes the revoke of one of the
 * branch's own sealers, unless the branch revokes that key as well. Without this, the member being
 * revoked seals a longer branch from the revoke block's parent, the fork choice adopts it and the
 * revoke returns to the pool, again and again. Honest forks are untouched: a branch sealed by
 * others still wins by length, and the dropped revoke is sealed again on top of it.
 */
final class RevocationGuard {
    private RevocationGuard() {}

    /** Why the switch from {@code dropped} to {@code branch} (whose end state is {@code after}) is refused, if it is. */
    static Optional<String> check(List<Block> dropped, List<Block> branch, LedgerState after) {
        Set<NodeId> sealers = branch.stream().map(b -> b.header().sealer()).collect(Collectors.toSet());
        for (Block old : dropped) {
            for (Transaction tx : old.transactions()) {
                if (tx.kind() != TransactionBody.KindCase.REVOKE) {
                    continue;
                }
                NodeId target;
                try {
                    target = NodeId.of(tx.body().getRevoke().getMember().toByteArray());
                } catch (IllegalArgumentException e) {
                    continue;
                }
                if (sealers.contains(target) && !after.isRevoked(target)) {
                    return Optional.of("branch would undo the revocation of its own sealer " + target.shortId()
                            + " (revoked in " + old + ")");
                }
            }
        }
        return Optional.empty();
    }
}

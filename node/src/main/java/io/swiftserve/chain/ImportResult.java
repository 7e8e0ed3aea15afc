package io.swiftserve.chain;

import java.util.List;

/**
 * What importing a block did. {@code removed}/{@code added} are main-chain changes, oldest first. A
 * SIDE_BRANCH with a reason is a branch that would have won the fork choice but was refused
 * ({@link RevocationGuard}); its {@code removed} lists the main-chain blocks it would have dropped.
 */
public record ImportResult(Status status, String reason, List<Block> removed, List<Block> added) {

    public enum Status {
        /** The block became the new head on top of the old one. */
        EXTENDED,
        /** The block's branch won fork choice; the main chain switched to it. */
        REORGED,
        /** Valid so far and stored, but its branch is not (yet) the best. */
        SIDE_BRANCH,
        /** Already stored. */
        KNOWN,
        /** Its parent is unknown: the sender is ahead of us, sync from it. */
        ORPHAN,
        /** Broke a rule; {@code reason} says which. */
        INVALID
    }

    static ImportResult of(Status status) {
        return new ImportResult(status, "", List.of(), List.of());
    }

    static ImportResult invalid(String reason) {
        return new ImportResult(Status.INVALID, reason, List.of(), List.of());
    }

    public boolean changedHead() {
        return status == Status.EXTENDED || status == Status.REORGED;
    }
}

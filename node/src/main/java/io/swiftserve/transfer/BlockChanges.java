package io.swiftserve.transfer;

import io.swiftserve.chain.Block;
import io.swiftserve.chain.Transaction;
import java.util.HashSet;
import java.util.List;
import java.util.Set;

/** What blocks that extended the head change for this node's files ({@link Reconciler#applyExtension}). */
final class BlockChanges {
    private BlockChanges() {}

    /** The ledger paths the blocks' FileAdds and FileDeletes name. */
    static Set<String> paths(List<Block> added) {
        Set<String> touched = new HashSet<>();
        for (Block b : added) {
            for (Transaction t : b.transactions()) {
                switch (t.kind()) {
                    case FILE_ADD -> touched.add(t.body().getFileAdd().getPath());
                    case FILE_DELETE -> touched.add(t.body().getFileDelete().getPath());
                    default -> {}
                }
            }
        }
        return touched;
    }

    /** Whether the blocks change labels or members: who holds a placed version may then have changed. */
    static boolean movesHolders(List<Block> added) {
        for (Block b : added) {
            for (Transaction t : b.transactions()) {
                switch (t.kind()) {
                    case LABEL, JOIN, LEAVE, REVOKE -> {
                        return true;
                    }
                    default -> {}
                }
            }
        }
        return false;
    }
}

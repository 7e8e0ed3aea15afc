package io.swiftserve.daemon;

import io.swiftserve.chain.Transaction;
import io.swiftserve.identity.NodeId;
import io.swiftserve.proto.TransactionBody;

/** One human line per transaction, for {@code chain} output and the status page. */
final class TxSummary {
    private TxSummary() {
    }

    static String of(Transaction tx) {
        TransactionBody b = tx.body();
        return switch (tx.kind()) {
            case GENESIS -> "network '" + b.getGenesis().getNetworkName() + "' founded by " + tx.signer().shortId();
            case JOIN -> tx.signer().shortId() + " joined";
            case LEAVE -> tx.signer().shortId() + " left";
            case REVOKE -> tx.signer().shortId() + " revoked " + shortKey(b.getRevoke().getMember().toByteArray());
            case FILE_ADD -> "add " + b.getFileAdd().getPath() + " v" + b.getFileAdd().getVersion() + " ("
                    + b.getFileAdd().getSize() + " bytes)";
            case FILE_DELETE -> "delete " + b.getFileDelete().getPath();
            default -> tx.kind().name().toLowerCase();
        };
    }

    private static String shortKey(byte[] key) {
        try {
            return NodeId.of(key).shortId();
        } catch (IllegalArgumentException e) {
            return "?";
        }
    }
}

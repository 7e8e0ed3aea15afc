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

    /** The transaction as structured fields beside its summary. */
    static io.swiftserve.admin.Views.TxView view(Transaction tx) {
        TransactionBody b = tx.body();
        String member = switch (tx.kind()) {
            case JOIN, LEAVE -> tx.signer().toString();
            case REVOKE -> fullKey(b.getRevoke().getMember().toByteArray());
            default -> null;
        };
        String path = tx.kind() == TransactionBody.KindCase.FILE_ADD ? b.getFileAdd().getPath()
                : tx.kind() == TransactionBody.KindCase.FILE_DELETE ? b.getFileDelete().getPath() : null;
        boolean add = tx.kind() == TransactionBody.KindCase.FILE_ADD;
        return new io.swiftserve.admin.Views.TxView(tx.id().toString(), tx.kind().name().toLowerCase(), tx.signer().toString(),
                of(tx), member, path, add ? b.getFileAdd().getVersion() : null, add ? b.getFileAdd().getSize() : null);
    }

    private static String fullKey(byte[] key) {
        try {
            return NodeId.of(key).toString();
        } catch (IllegalArgumentException e) {
            return "?";
        }
    }

    private static String shortKey(byte[] key) {
        try {
            return NodeId.of(key).shortId();
        } catch (IllegalArgumentException e) {
            return "?";
        }
    }
}

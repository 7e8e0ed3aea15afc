package io.swiftserve.daemon;

import io.swiftserve.chain.Transaction;
import io.swiftserve.identity.NodeId;
import io.swiftserve.proto.TransactionBody;
import java.util.Locale;

/** A transaction as the admin API shows it: its summary and structured fields. */
final class TxSummary {
    private TxSummary() {}

    /** The transaction as structured fields beside its summary. */
    static io.swiftserve.admin.Views.TxView view(Transaction tx) {
        TransactionBody b = tx.body();
        String member = switch (tx.kind()) {
            case JOIN, LEAVE, HOLDINGS -> tx.signer().toString();
            case REVOKE -> fullKey(b.getRevoke().getMember().toByteArray());
            case LABEL -> fullKey(b.getLabel().getMember().toByteArray());
            default -> null;
        };
        String path = tx.kind() == TransactionBody.KindCase.FILE_ADD
                ? b.getFileAdd().getPath()
                : tx.kind() == TransactionBody.KindCase.FILE_DELETE
                        ? b.getFileDelete().getPath()
                        : null;
        boolean add = tx.kind() == TransactionBody.KindCase.FILE_ADD;
        return new io.swiftserve.admin.Views.TxView(
                tx.id().toString(),
                tx.kind().name().toLowerCase(Locale.ROOT),
                tx.signer().toString(),
                tx.summary(),
                member,
                path,
                add ? b.getFileAdd().getVersion() : null,
                add ? b.getFileAdd().getSize() : null);
    }

    private static String fullKey(byte[] key) {
        try {
            return NodeId.of(key).toString();
        } catch (IllegalArgumentException e) {
            return "?";
        }
    }
}

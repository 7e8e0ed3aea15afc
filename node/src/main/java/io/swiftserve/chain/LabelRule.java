package io.swiftserve.chain;

import io.swiftserve.identity.NodeId;
import io.swiftserve.proto.Label;
import java.util.Set;
import java.util.TreeSet;

/**
 * The Label transaction: a member may label itself and the members that joined after it (the
 * seniority rule of revoke), so a later member cannot steer data onto or away from earlier ones.
 */
final class LabelRule {
    private LabelRule() {}

    static void apply(Transaction tx, LedgerState state) throws InvalidException {
        Member signer = TransactionRules.requireMember(tx.signer(), state);
        Label label = tx.body().getLabel();
        NodeId targetId;
        try {
            targetId = NodeId.of(label.getMember().toByteArray());
        } catch (IllegalArgumentException e) {
            throw new InvalidException("label target is not a node key");
        }
        Member target = state.member(targetId)
                .orElseThrow(() -> new InvalidException("label target " + targetId.shortId() + " is not a member"));
        InvalidException.check(
                target.id().equals(signer.id()) || signer.seniority() < target.seniority(),
                "member " + signer.id().shortId() + " may not label " + targetId.shortId() + ", who joined earlier");
        InvalidException.check(label.getAddCount() + label.getRemoveCount() > 0, "label transaction changes nothing");
        Labels.check(label.getAddList(), "labels to add");
        Labels.check(label.getRemoveList(), "labels to remove");
        for (String l : label.getAddList()) {
            InvalidException.check(!label.getRemoveList().contains(l), "label '" + l + "' both added and removed");
        }
        Set<String> now = new TreeSet<>(state.labels(targetId));
        now.removeAll(label.getRemoveList());
        now.addAll(label.getAddList());
        InvalidException.check(
                now.size() <= Labels.MAX_PER_MEMBER,
                "member " + targetId.shortId() + " would have more than " + Labels.MAX_PER_MEMBER + " labels");
        state.setLabels(targetId, now);
    }
}

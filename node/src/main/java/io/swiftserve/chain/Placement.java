package io.swiftserve.chain;

import io.swiftserve.identity.NodeId;
import io.swiftserve.identity.Sha256;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Who must hold a file version: a pure function of the ledger state, so every node computes the same
 * answer without talking. A version published without targets goes to every member. Otherwise the
 * eligible members are those carrying ANY of its labels (every member if it names none); with
 * {@code replicas} K > 0 the K eligible members of highest SHA-256(file id || member key) hold it
 * (rendezvous hashing: when a holder leaves, only its share moves, to the next in that order), and all
 * of them if fewer than K are eligible. The publisher holds its own version in any case, on top.
 */
public final class Placement {
    private final List<Member> members;
    private final Map<NodeId, Set<String>> labels;
    private final Map<Hash, Target> targets;

    /** What a FileAdd asked for: no labels and 0 replicas means every member. */
    public record Target(List<String> labels, int replicas) {
        public static final Target EVERYONE = new Target(List.of(), 0);

        public boolean everyone() {
            return labels.isEmpty() && replicas == 0;
        }
    }

    private Placement(List<Member> members, Map<NodeId, Set<String>> labels, Map<Hash, Target> targets) {
        this.members = members;
        this.labels = labels;
        this.targets = targets;
    }

    /** Reads what placement needs from {@code state} once: members, their labels, the versions' targets. */
    public static Placement of(LedgerState state) {
        return new Placement(state.members(), state.allLabels(), state.targets());
    }

    /** True when {@code other} read the same members and labels: a version's holders are then the same in both. */
    public boolean sameMembersAs(Placement other) {
        return other != null && members.equals(other.members) && labels.equals(other.labels);
    }

    public Target target(FileEntry f) {
        return targets.getOrDefault(f.fileId(), Target.EVERYONE);
    }

    /** Whether {@code node} must hold {@code f}. A node outside the membership holds what everyone holds, as before placement. */
    public boolean mustHold(FileEntry f, NodeId node) {
        Target t = target(f);
        return t.everyone() || node.equals(f.addedBy()) || chosen(f, t).contains(node);
    }

    /** The members that must hold {@code f}, most senior first; the publisher included while it is a member. */
    public List<NodeId> holders(FileEntry f) {
        Target t = target(f);
        if (t.everyone()) {
            return members.stream().map(Member::id).toList();
        }
        List<NodeId> chosen = chosen(f, t);
        return members.stream()
                .map(Member::id)
                .filter(id -> id.equals(f.addedBy()) || chosen.contains(id))
                .toList();
    }

    /** The members the target selects, without the publisher's own copy. */
    public List<NodeId> chosen(FileEntry f) {
        return chosen(f, target(f));
    }

    private List<NodeId> chosen(FileEntry f, Target t) {
        List<NodeId> eligible = new ArrayList<>();
        for (Member m : members) {
            Set<String> has = labels.getOrDefault(m.id(), Set.of());
            if (t.labels().isEmpty() || t.labels().stream().anyMatch(has::contains)) {
                eligible.add(m.id());
            }
        }
        if (t.replicas() == 0 || eligible.size() <= t.replicas()) {
            return eligible;
        }
        Map<NodeId, byte[]> byNode = new java.util.HashMap<>();
        for (NodeId id : eligible) {
            byNode.put(id, score(f.fileId(), id));
        }
        eligible.sort(Comparator.comparing(byNode::get, Arrays::compareUnsigned));
        Collections.reverse(eligible);
        return List.copyOf(eligible.subList(0, t.replicas()));
    }

    /** Rendezvous weight of {@code member} for version {@code fileId}. */
    static byte[] score(Hash fileId, NodeId member) {
        byte[] in = new byte[64];
        System.arraycopy(fileId.bytes(), 0, in, 0, 32);
        System.arraycopy(member.bytes(), 0, in, 32, 32);
        return Sha256.hash(in);
    }
}

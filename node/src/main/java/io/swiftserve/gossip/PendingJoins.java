package io.swiftserve.gossip;

import io.swiftserve.chain.Transaction;
import io.swiftserve.identity.NodeId;
import io.swiftserve.net.PeerSession;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * Joins held for an operator's approval (an invite that says so): the joiner's signed Join and its
 * open connection, in memory only. A held join is nothing on the chain yet, so a restart or the
 * joiner hanging up just forgets it, and the joiner asks again. Bounded, because the handshake
 * admits anyone holding the token.
 */
public final class PendingJoins {
    static final int MAX = 256;

    /** One join waiting: who, from where, since when, under whose invite. */
    public record Pending(Transaction join, PeerSession session, NodeId inviter, long sinceMs) {
        public NodeId joiner() {
            return join.signer();
        }
    }

    private final Map<NodeId, Pending> held = new LinkedHashMap<>();

    /** Holds {@code p} (replacing an earlier request of the same key); false when full. */
    synchronized boolean hold(Pending p) {
        if (held.size() >= MAX && !held.containsKey(p.joiner())) {
            return false;
        }
        held.put(p.joiner(), p);
        return true;
    }

    /** Forgets the join of {@code joiner} if {@code session} is still the one holding it. */
    synchronized void drop(NodeId joiner, PeerSession session) {
        Pending p = held.get(joiner);
        if (p != null && p.session() == session) {
            held.remove(joiner);
        }
    }

    synchronized Optional<Pending> take(NodeId joiner) {
        return Optional.ofNullable(held.remove(joiner));
    }

    /** Oldest first. */
    public synchronized List<Pending> list() {
        List<Pending> out = new ArrayList<>(held.values());
        out.sort(Comparator.comparingLong(Pending::sinceMs));
        return out;
    }
}

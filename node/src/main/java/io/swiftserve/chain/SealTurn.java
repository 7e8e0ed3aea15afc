package io.swiftserve.chain;

import io.swiftserve.identity.NodeId;
import io.swiftserve.store.Bytes;
import java.util.Collection;

/**
 * When this node may seal a transaction it did not originate. Every node ranks the members by the
 * hash of (transaction id, member id), the same order everywhere; rank 0 may seal once the grace
 * period is over, ranks 1, 2–3, 4–7, ... one slot later each. So one member seals a relayed
 * transaction whose origin went quiet, not every member at the same tick (a seal storm that forks
 * the chain); the doubling still reaches an online member within a few slots when most are off,
 * and once anyone seals, its block empties everyone's pool within milliseconds.
 */
public final class SealTurn {
    private SealTurn() {}

    /** Milliseconds after arrival at which {@code self} may seal {@code txId} (MAX_VALUE: never, not a member). */
    public static long delayMs(Hash txId, NodeId self, Collection<NodeId> members, long graceMs, long slotMs) {
        if (!members.contains(self)) {
            return Long.MAX_VALUE;
        }
        Hash mine = turn(txId, self);
        int rank = 0;
        for (NodeId m : members) {
            if (!m.equals(self) && turn(txId, m).compareTo(mine) < 0) {
                rank++;
            }
        }
        int slots = 32 - Integer.numberOfLeadingZeros(rank);
        return graceMs + slots * slotMs;
    }

    private static Hash turn(Hash txId, NodeId member) {
        return Hash.sha256(Bytes.concat(txId.bytes(), member.bytes()));
    }
}

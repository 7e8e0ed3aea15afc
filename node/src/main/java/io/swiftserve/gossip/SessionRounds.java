package io.swiftserve.gossip;

import io.swiftserve.identity.NodeId;
import io.swiftserve.net.PeerSession;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.ToLongFunction;

/**
 * What the {@link Overlay} remembers of its member sessions from one round to the next: when each
 * inbound session was first seen, the chunk bytes each had moved, and which peers had a session
 * open. Timer thread only.
 */
final class SessionRounds {
    private final Map<PeerSession, Long> inboundSince = new HashMap<>();
    private final Map<PeerSession, Long> movedAtLastRound = new HashMap<>();
    private Map<PeerSession, Long> movedSinceLastRound = Map.of();
    private Set<NodeId> openLastRound = Set.of();

    /** Records this round's open sessions; returns the peers whose session was open at the last round too. */
    Set<NodeId> round(long nowMs, List<PeerSession> outbound, List<PeerSession> inbound) {
        inboundSince.keySet().retainAll(inbound);
        inbound.forEach(s -> inboundSince.putIfAbsent(s, nowMs));
        Map<PeerSession, Long> recent = new HashMap<>();
        for (PeerSession s : inbound) {
            long total = s.bytesIn().get() + s.bytesOut().get();
            Long before = movedAtLastRound.put(s, total);
            recent.put(s, before == null ? 0 : total - before);
        }
        movedAtLastRound.keySet().retainAll(inbound);
        movedSinceLastRound = recent;
        Set<NodeId> open = new HashSet<>();
        outbound.forEach(s -> open.add(s.peer()));
        inbound.forEach(s -> open.add(s.peer()));
        Set<NodeId> stayed = new HashSet<>(open);
        stayed.retainAll(openLastRound);
        openLastRound = open;
        return stayed;
    }

    /**
     * Of {@code inbound} (shuffled), the sessions first seen at least {@code settleMs} ago, in the order
     * to hand them off: the fewest chunk bytes moved since the last round first. A fleet whose members
     * all joined through one node has it shed the surplus of their join sessions about that long
     * after they joined, often while the first file moves: in a 16-host run three of the seed's
     * sessions were cut mid-transfer, and at 64 members 51 would be. Idle ones go first.
     */
    List<PeerSession> sheddable(List<PeerSession> inbound, long nowMs, long settleMs) {
        List<PeerSession> settled = inbound.stream()
                .filter(s -> nowMs - inboundSince.getOrDefault(s, nowMs) >= settleMs)
                .toList();
        return quietestFirst(settled, s -> movedSinceLastRound.getOrDefault(s, 0L));
    }

    /** {@code sessions} by the bytes they moved, fewest first; ties keep the order given. */
    static <S> List<S> quietestFirst(List<S> sessions, ToLongFunction<S> moved) {
        List<S> out = new ArrayList<>(sessions);
        out.sort(Comparator.comparingLong(moved));
        return out;
    }
}

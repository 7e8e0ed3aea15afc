package io.swiftserve.gossip;

import io.swiftserve.chain.Blockchain;
import io.swiftserve.chain.InvalidException;
import io.swiftserve.chain.InviteUse;
import io.swiftserve.chain.LedgerState;
import io.swiftserve.identity.NodeId;
import io.swiftserve.net.Admission;
import io.swiftserve.net.HandshakePolicy;
import io.swiftserve.proto.Join;
import java.time.Clock;

/** Admits current members; a non-member only with a valid, unused invite of this network used by its own key. */
public final class MembershipPolicy implements HandshakePolicy {
    private final Blockchain chain;
    private final Clock clock;
    private final NodeId self;

    public MembershipPolicy(Blockchain chain, Clock clock, NodeId self) {
        this.chain = chain;
        this.clock = clock;
        this.self = self;
    }

    /**
     * The current members' keys, replaced as part of every head change (the chain calls its listeners
     * right after committing), so checking a key on every message costs a hash lookup, not a read.
     */
    public static final class Members {
        private final NodeId self;
        private volatile java.util.Set<NodeId> current;
        private volatile boolean selfRevoked;

        public Members(Blockchain chain) {
            this(chain, null);
        }

        /** Also tracks whether {@code self} was revoked. */
        public Members(Blockchain chain, NodeId self) {
            this.self = self;
            refresh(chain);
            chain.addListener((removed, added) -> refresh(chain));
        }

        private void refresh(Blockchain chain) {
            current = chain.state().members().stream()
                    .map(io.swiftserve.chain.Member::id)
                    .collect(java.util.stream.Collectors.toUnmodifiableSet());
            selfRevoked = self != null && chain.state().isRevoked(self);
        }

        /** Whether the node this set was made for was revoked: a hash lookup's cost, for every message. */
        public boolean selfRevoked() {
            return selfRevoked;
        }

        public boolean contains(NodeId id) {
            return current.contains(id);
        }
    }

    @Override
    public Admission admit(NodeId peer, Join invite) {
        LedgerState state = chain.state();
        if (state.isRevoked(self)) {
            // a revocation is final: the node neither serves nor takes anything, so it talks to
            // nobody. A node that is merely not a member (left, or its join taken back by a reorg
            // until it is sealed again) keeps talking, or it could never sync the block that re-adds it
            return Admission.refused("this node was revoked from the network");
        }
        if (state.isMember(peer)) {
            return Admission.member();
        }
        if (state.isRevoked(peer)) {
            return Admission.refused(peer.shortId() + " was revoked");
        }
        if (invite == null) {
            return Admission.refused(peer.shortId() + " is not a member");
        }
        try {
            // the same check the Join transaction gets on every node: the invite was used by this key
            InviteUse use = InviteUse.fromProto(invite);
            use.verify(chain.networkId(), peer, clock.millis());
            InvalidException.check(state.isMember(use.invite().inviter()), "inviter is no longer a member");
            state.checkInviteLeft(use.invite());
            return Admission.joiner();
        } catch (InvalidException e) {
            return Admission.refused("invite refused: " + e.getMessage());
        }
    }
}

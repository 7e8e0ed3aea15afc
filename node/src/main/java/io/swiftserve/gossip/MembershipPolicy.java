package io.swiftserve.gossip;

import io.swiftserve.chain.Blockchain;
import io.swiftserve.chain.InvalidException;
import io.swiftserve.chain.InviteToken;
import io.swiftserve.chain.LedgerState;
import io.swiftserve.identity.NodeId;
import io.swiftserve.net.Admission;
import io.swiftserve.net.HandshakePolicy;
import java.time.Clock;

/** Admits current members; a non-member only with a valid, unused invite of this network. */
public final class MembershipPolicy implements HandshakePolicy {
    private final Blockchain chain;
    private final Clock clock;

    public MembershipPolicy(Blockchain chain, Clock clock) {
        this.chain = chain;
        this.clock = clock;
    }

    /**
     * The current members' keys, replaced as part of every head change (the chain calls its listeners
     * right after committing), so checking a key on every message costs a hash lookup, not a read.
     */
    public static final class Members {
        private volatile java.util.Set<NodeId> current;

        public Members(Blockchain chain) {
            refresh(chain);
            chain.addListener((removed, added) -> refresh(chain));
        }

        private void refresh(Blockchain chain) {
            current = chain.state().members().stream().map(io.swiftserve.chain.Member::id)
                    .collect(java.util.stream.Collectors.toUnmodifiableSet());
        }

        public boolean contains(NodeId id) {
            return current.contains(id);
        }
    }

    @Override
    public Admission admit(NodeId peer, String inviteToken) {
        LedgerState state = chain.state();
        if (state.isMember(peer)) {
            return Admission.member();
        }
        if (state.isRevoked(peer)) {
            return Admission.refused(peer.shortId() + " was revoked");
        }
        if (inviteToken == null || inviteToken.isEmpty()) {
            return Admission.refused(peer.shortId() + " is not a member");
        }
        try {
            InviteToken invite = InviteToken.parse(inviteToken);
            invite.verify(chain.networkId(), clock.millis());
            InvalidException.check(state.isMember(invite.inviter()), "inviter is no longer a member");
            InvalidException.check(!state.inviteUsed(invite.inviteId()), "invite already used");
            return Admission.joiner();
        } catch (InvalidException e) {
            return Admission.refused("invite refused: " + e.getMessage());
        }
    }
}

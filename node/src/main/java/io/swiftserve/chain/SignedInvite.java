package io.swiftserve.chain;

import com.google.protobuf.InvalidProtocolBufferException;
import io.swiftserve.identity.NodeId;
import io.swiftserve.identity.NodeKey;
import io.swiftserve.identity.Signatures;
import io.swiftserve.proto.Invite;
import io.swiftserve.util.Cidr;
import java.util.List;

/**
 * The public half of an invite: network, inviter, expiry, the inviter's addresses and a one-time
 * public key, signed by the inviter over the exact bytes kept here. Nothing in it is secret: it
 * travels in a joiner's Auth and in its Join transaction. The one-time key is also the invite's id,
 * which the ledger records when the join is sealed (single use).
 */
public final class SignedInvite {
    static final int MAX_CIDRS = 16;

    private final byte[] inviteBytes;
    private final byte[] signature;
    private final Invite invite;

    private SignedInvite(byte[] inviteBytes, byte[] signature, Invite invite) {
        this.inviteBytes = inviteBytes;
        this.signature = signature;
        this.invite = invite;
    }

    static SignedInvite sign(NodeKey inviter, Invite invite) {
        byte[] bytes = invite.toByteArray();
        return new SignedInvite(bytes, inviter.sign(Signatures.Domain.INVITE, bytes), invite);
    }

    /** Parses the signed bytes; checks structure only (see {@link #verify}). */
    public static SignedInvite fromParts(byte[] inviteBytes, byte[] signature) throws InvalidException {
        Invite invite;
        try {
            invite = Invite.parseFrom(inviteBytes);
        } catch (InvalidProtocolBufferException e) {
            throw new InvalidException("invite is malformed");
        }
        // an invite of the first format (a random id, no one-time key) was a bearer secret
        InvalidException.check(
                invite.getInviteId().isEmpty() && invite.getInviteKey().size() == NodeId.LENGTH,
                "invite is of an old format (not bound to a key): ask a member for a new one");
        InvalidException.check(
                invite.getInviter().size() == NodeId.LENGTH
                        && invite.getNetworkId().size() == 32,
                "invite is malformed");
        InvalidException.check(invite.getCidrsCount() <= MAX_CIDRS, "invite lists too many address blocks");
        for (String cidr : invite.getCidrsList()) {
            try {
                Cidr.parse(cidr);
            } catch (IllegalArgumentException e) {
                throw new InvalidException("invite is malformed: " + e.getMessage());
            }
        }
        return new SignedInvite(inviteBytes.clone(), signature.clone(), invite);
    }

    /** Checks signature, network and expiry (not single use: that is ledger state). */
    public void verify(Hash networkId, long nowMs) throws InvalidException {
        InvalidException.check(networkId().equals(networkId), "invite is for another network");
        InvalidException.check(
                Signatures.verify(inviter(), Signatures.Domain.INVITE, inviteBytes, signature),
                "invite signature is forged");
        InvalidException.check(nowMs <= invite.getExpiresMs(), "invite expired");
    }

    public Hash networkId() {
        return Hash.of(invite.getNetworkId().toByteArray());
    }

    public NodeId inviter() {
        return NodeId.of(invite.getInviter().toByteArray());
    }

    /** The one-time public key whose private half only the token holds. */
    public NodeId inviteKey() {
        return NodeId.of(invite.getInviteKey().toByteArray());
    }

    /** The id the ledger records as used: the one-time key, so one proof-making key joins once. */
    public byte[] id() {
        return invite.getInviteKey().toByteArray();
    }

    public long expiresMs() {
        return invite.getExpiresMs();
    }

    public List<String> addresses() {
        return invite.getAddressesList();
    }

    /** How many keys may join with it; an invite of the single-use kind says 0, meaning 1. */
    public int maxUses() {
        return Math.max(1, invite.getMaxUses());
    }

    /** Where a joiner's connection may come from; empty: anywhere. */
    public List<Cidr> cidrs() {
        return invite.getCidrsList().stream().map(Cidr::parse).toList();
    }

    /** Whether a member holds a join under it until an operator approves. */
    public boolean needsApproval() {
        return invite.getNeedsApproval();
    }

    public byte[] inviteBytes() {
        return inviteBytes.clone();
    }

    public byte[] signature() {
        return signature.clone();
    }
}

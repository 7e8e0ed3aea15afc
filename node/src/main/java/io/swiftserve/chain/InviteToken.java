package io.swiftserve.chain;

import com.google.protobuf.ByteString;
import io.swiftserve.identity.NodeId;
import io.swiftserve.identity.NodeKey;
import io.swiftserve.identity.Signatures;
import io.swiftserve.proto.Invite;
import java.security.SecureRandom;
import java.time.Clock;
import java.time.Duration;
import java.util.Base64;
import java.util.List;

/**
 * An invite token: a member's signed, expiring, single-use permission for one new key to join, and
 * the private half (seed) of the invite's one-time key. Text form:
 * {@code ssinv2.<base64url invite>.<base64url signature>.<base64url seed>}. The seed never leaves
 * the joining machine: the joiner sends only {@link #use}, the invite plus the one-time key's
 * signature over its own key. Single use is enforced by the ledger, which records the one-time key
 * when the join is sealed.
 */
public final class InviteToken {
    private static final String PREFIX = "ssinv2.";
    private static final String OLD_PREFIX = "ssinv1.";
    private static final Base64.Encoder B64 = Base64.getUrlEncoder().withoutPadding();
    private static final SecureRandom RANDOM = new SecureRandom();

    private final SignedInvite invite;
    private final byte[] seed;

    private InviteToken(SignedInvite invite, byte[] seed) {
        this.invite = invite;
        this.seed = seed;
    }

    public static InviteToken create(
            NodeKey inviter, Hash networkId, Duration ttl, List<String> addresses, Clock clock) {
        byte[] seed = new byte[32];
        io.swiftserve.util.Ambient.random(RANDOM).nextBytes(seed);
        Invite invite = Invite.newBuilder()
                .setNetworkId(ByteString.copyFrom(networkId.bytes()))
                .setInviter(ByteString.copyFrom(inviter.id().bytes()))
                .setExpiresMs(clock.millis() + ttl.toMillis())
                .addAllAddresses(addresses)
                .setInviteKey(ByteString.copyFrom(NodeKey.fromSeed(seed).id().bytes()))
                .build();
        return new InviteToken(SignedInvite.sign(inviter, invite), seed);
    }

    /** Parses the text form; checks structure and that the seed is the invite's key (see {@link #verify}). */
    public static InviteToken parse(String text) throws InvalidException {
        String t = text == null ? "" : text.trim();
        InvalidException.check(
                !t.startsWith(OLD_PREFIX),
                "this invite token is of an old format (ssinv1, not bound to a key): ask a member for a new one");
        InvalidException.check(t.startsWith(PREFIX), "not an invite token (it starts with '" + PREFIX + "')");
        String[] parts = t.substring(PREFIX.length()).split("\\.", -1);
        InvalidException.check(parts.length == 3, "invite token is malformed");
        byte[][] decoded = new byte[3][];
        try {
            for (int i = 0; i < 3; i++) {
                decoded[i] = Base64.getUrlDecoder().decode(parts[i]);
            }
        } catch (IllegalArgumentException e) {
            throw new InvalidException("invite token is malformed");
        }
        SignedInvite invite = SignedInvite.fromParts(decoded[0], decoded[1]);
        InvalidException.check(
                decoded[2].length == 32 && NodeKey.fromSeed(decoded[2]).id().equals(invite.inviteKey()),
                "invite token is malformed (its key does not match)");
        return new InviteToken(invite, decoded[2]);
    }

    /** The invite as used by {@code joiner}: what it sends in its Auth and its Join transaction. */
    public InviteUse use(NodeId joiner) {
        byte[] proof =
                NodeKey.fromSeed(seed).sign(Signatures.Domain.INVITE_USE, InviteUse.proofMessage(networkId(), joiner));
        return new InviteUse(invite, proof);
    }

    /** Checks signature, network and expiry (not single use: that is ledger state). */
    public void verify(Hash networkId, long nowMs) throws InvalidException {
        invite.verify(networkId, nowMs);
    }

    public String format() {
        return PREFIX + B64.encodeToString(invite.inviteBytes()) + "." + B64.encodeToString(invite.signature()) + "."
                + B64.encodeToString(seed);
    }

    public SignedInvite invite() {
        return invite;
    }

    public Hash networkId() {
        return invite.networkId();
    }

    public NodeId inviter() {
        return invite.inviter();
    }

    public byte[] inviteId() {
        return invite.id();
    }

    public long expiresMs() {
        return invite.expiresMs();
    }

    public List<String> addresses() {
        return invite.addresses();
    }

    /** Names the invite without its secret half, so a log line cannot leak it. */
    @Override
    public String toString() {
        return "invite " + invite.inviteKey().shortId() + " by " + inviter().shortId();
    }
}

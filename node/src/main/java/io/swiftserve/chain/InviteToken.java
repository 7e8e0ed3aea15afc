package io.swiftserve.chain;

import com.google.protobuf.ByteString;
import io.swiftserve.identity.NodeId;
import io.swiftserve.identity.NodeKey;
import io.swiftserve.identity.Signatures;
import io.swiftserve.proto.Invite;
import io.swiftserve.util.Cidr;
import java.security.SecureRandom;
import java.time.Clock;
import java.time.Duration;
import java.util.Base64;
import java.util.List;

/**
 * An invite token: a member's signed, expiring permission for new keys to join (one, or up to its
 * {@link Terms#maxUses}, from the address blocks it names, maybe after an operator's approval), and
 * the private half (seed) of the invite's one-time key. Text form:
 * {@code ssinv2.<base64url invite>.<base64url signature>.<base64url seed>}. The seed never leaves
 * the joining machine: the joiner sends only {@link #use}, the invite plus the one-time key's
 * signature over its own key. The use count is enforced by the ledger, which counts the one-time key's
 * uses as joins are sealed.
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
        return create(inviter, networkId, ttl, addresses, Terms.SINGLE, clock);
    }

    /** What a multi-use invite allows beyond the single-use default. */
    public record Terms(int maxUses, List<String> cidrs, boolean needsApproval) {
        public static final Terms SINGLE = new Terms(1, List.of(), false);
        public static final int MAX_USES = 100_000;

        /** @throws IllegalArgumentException with a one-line reason */
        public Terms {
            if (maxUses < 1 || maxUses > MAX_USES) {
                throw new IllegalArgumentException("uses must be 1.." + MAX_USES + ", not " + maxUses);
            }
            if (cidrs.size() > SignedInvite.MAX_CIDRS) {
                throw new IllegalArgumentException("at most " + SignedInvite.MAX_CIDRS + " address blocks");
            }
            cidrs = cidrs.stream().map(c -> Cidr.parse(c).toString()).toList();
        }
    }

    public static InviteToken create(
            NodeKey inviter, Hash networkId, Duration ttl, List<String> addresses, Terms terms, Clock clock) {
        byte[] seed = new byte[32];
        io.swiftserve.util.Ambient.random(RANDOM).nextBytes(seed);
        Invite invite = Invite.newBuilder()
                .setNetworkId(ByteString.copyFrom(networkId.bytes()))
                .setInviter(ByteString.copyFrom(inviter.id().bytes()))
                .setExpiresMs(clock.millis() + ttl.toMillis())
                .addAllAddresses(addresses)
                .setInviteKey(ByteString.copyFrom(NodeKey.fromSeed(seed).id().bytes()))
                .setMaxUses(terms.maxUses() == 1 ? 0 : terms.maxUses())
                .addAllCidrs(terms.cidrs())
                .setNeedsApproval(terms.needsApproval())
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

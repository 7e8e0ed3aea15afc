package io.swiftserve.chain;

import com.google.protobuf.ByteString;
import com.google.protobuf.InvalidProtocolBufferException;
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
 * An invite: a member's signed, expiring, single-use permission for one new key to join. Text form:
 * {@code ssinv1.<base64url invite>.<base64url signature>}. Single use is enforced by the ledger,
 * which records each invite id when its join is sealed.
 */
public final class InviteToken {
    private static final String PREFIX = "ssinv1.";
    private static final Base64.Encoder B64 = Base64.getUrlEncoder().withoutPadding();
    private static final SecureRandom RANDOM = new SecureRandom();

    private final byte[] inviteBytes;
    private final byte[] signature;
    private final Invite invite;

    private InviteToken(byte[] inviteBytes, byte[] signature, Invite invite) {
        this.inviteBytes = inviteBytes;
        this.signature = signature;
        this.invite = invite;
    }

    public static InviteToken create(NodeKey inviter, Hash networkId, Duration ttl, List<String> addresses, Clock clock) {
        byte[] id = new byte[16];
        RANDOM.nextBytes(id);
        Invite invite = Invite.newBuilder()
                .setNetworkId(ByteString.copyFrom(networkId.bytes()))
                .setInviter(ByteString.copyFrom(inviter.id().bytes()))
                .setInviteId(ByteString.copyFrom(id))
                .setExpiresMs(clock.millis() + ttl.toMillis())
                .addAllAddresses(addresses)
                .build();
        byte[] bytes = invite.toByteArray();
        return new InviteToken(bytes, inviter.sign(Signatures.Domain.INVITE, bytes), invite);
    }

    /** Parses the text form; checks structure only (see {@link #verify}). */
    public static InviteToken parse(String text) throws InvalidException {
        String t = text == null ? "" : text.trim();
        InvalidException.check(t.startsWith(PREFIX), "not an invite token (it starts with '" + PREFIX + "')");
        String[] parts = t.substring(PREFIX.length()).split("\\.");
        InvalidException.check(parts.length == 2, "invite token is malformed");
        try {
            byte[] bytes = Base64.getUrlDecoder().decode(parts[0]);
            return fromParts(bytes, Base64.getUrlDecoder().decode(parts[1]));
        } catch (IllegalArgumentException e) {
            throw new InvalidException("invite token is malformed");
        }
    }

    static InviteToken fromParts(byte[] inviteBytes, byte[] signature) throws InvalidException {
        try {
            Invite invite = Invite.parseFrom(inviteBytes);
            InvalidException.check(invite.getInviter().size() == 32 && invite.getNetworkId().size() == 32
                    && invite.getInviteId().size() == 16, "invite token is malformed");
            return new InviteToken(inviteBytes, signature, invite);
        } catch (InvalidProtocolBufferException e) {
            throw new InvalidException("invite token is malformed");
        }
    }

    /** Checks signature, network and expiry (not single use: that is ledger state). */
    public void verify(Hash networkId, long nowMs) throws InvalidException {
        InvalidException.check(networkId().equals(networkId), "invite is for another network");
        InvalidException.check(Signatures.verify(inviter(), Signatures.Domain.INVITE, inviteBytes, signature),
                "invite signature is forged");
        InvalidException.check(nowMs <= invite.getExpiresMs(), "invite expired");
    }

    public String format() {
        return PREFIX + B64.encodeToString(inviteBytes) + "." + B64.encodeToString(signature);
    }

    public Hash networkId() {
        return Hash.of(invite.getNetworkId().toByteArray());
    }

    public NodeId inviter() {
        return NodeId.of(invite.getInviter().toByteArray());
    }

    public byte[] inviteId() {
        return invite.getInviteId().toByteArray();
    }

    public long expiresMs() {
        return invite.getExpiresMs();
    }

    public List<String> addresses() {
        return invite.getAddressesList();
    }

    byte[] inviteBytes() {
        return inviteBytes.clone();
    }

    byte[] signature() {
        return signature.clone();
    }

    @Override
    public String toString() {
        return format();
    }
}

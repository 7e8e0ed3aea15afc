package io.swiftserve.chain;

import com.google.protobuf.ByteString;
import io.swiftserve.identity.NodeId;
import io.swiftserve.identity.Signatures;
import io.swiftserve.proto.Join;

/**
 * An invite as used by one joiner key: the signed invite and the one-time key's signature naming
 * that joiner. It travels in the joiner's Auth and in its Join transaction, so the listener and
 * every node importing the block check the same thing. Whoever captures it gains nothing: it
 * admits only the key it names, and that key's owner must still prove the key in the handshake.
 */
public record InviteUse(SignedInvite invite, byte[] proof) {

    /** Reads the invite fields of a Join (in a transaction or a joiner's Auth); structure only. */
    public static InviteUse fromProto(Join join) throws InvalidException {
        SignedInvite invite = SignedInvite.fromParts(
                join.getInvite().toByteArray(), join.getInviteSignature().toByteArray());
        return new InviteUse(invite, join.getProof().toByteArray());
    }

    public Join toProto() {
        return Join.newBuilder()
                .setInvite(ByteString.copyFrom(invite.inviteBytes()))
                .setInviteSignature(ByteString.copyFrom(invite.signature()))
                .setProof(ByteString.copyFrom(proof))
                .build();
    }

    /** Checks the invite (signature, network, expiry) and that its one-time key named {@code joiner}. */
    public void verify(Hash networkId, NodeId joiner, long nowMs) throws InvalidException {
        invite.verify(networkId, nowMs);
        InvalidException.check(
                Signatures.verify(
                        invite.inviteKey(), Signatures.Domain.INVITE_USE, proofMessage(networkId, joiner), proof),
                "invite proof is not for key " + joiner.shortId());
    }

    /** network id || joiner key ("swiftserve/invite-use/v1" is added by Signatures). */
    static byte[] proofMessage(Hash networkId, NodeId joiner) {
        byte[] out = new byte[64];
        System.arraycopy(networkId.bytes(), 0, out, 0, 32);
        System.arraycopy(joiner.bytes(), 0, out, 32, 32);
        return out;
    }
}

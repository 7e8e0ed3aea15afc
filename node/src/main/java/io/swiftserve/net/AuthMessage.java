package io.swiftserve.net;

import io.swiftserve.chain.Hash;
import io.swiftserve.identity.NodeId;

/**
 * The bytes an Auth signature covers (PROTOCOL.md, "Handshake"): network id || the other side's
 * nonce || signer key || verifier key || the connection's {@link ChannelBinding}. The
 * "swiftserve/auth/v1" domain is added by {@code Signatures}. The node, the proto tool and the test
 * peers all build it here, so a change to the layout cannot leave one of them signing the old one.
 */
public final class AuthMessage {
    private static final int NONCE = 32;

    private AuthMessage() {}

    /** {@code nonce} is the nonce of the side that will verify the signature (from its Hello). */
    public static byte[] of(Hash networkId, byte[] nonce, NodeId signer, NodeId verifier, ChannelBinding binding) {
        if (nonce.length != NONCE) {
            throw new IllegalArgumentException("a handshake nonce is " + NONCE + " bytes, not " + nonce.length);
        }
        byte[] out = new byte[32 + NONCE + NodeId.LENGTH + NodeId.LENGTH];
        System.arraycopy(networkId.bytes(), 0, out, 0, 32);
        System.arraycopy(nonce, 0, out, 32, NONCE);
        System.arraycopy(signer.bytes(), 0, out, 64, NodeId.LENGTH);
        System.arraycopy(verifier.bytes(), 0, out, 96, NodeId.LENGTH);
        return binding.appendTo(out);
    }
}

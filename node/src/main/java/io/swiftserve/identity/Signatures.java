package io.swiftserve.identity;

import java.nio.charset.StandardCharsets;
import org.bouncycastle.crypto.params.Ed25519PublicKeyParameters;
import org.bouncycastle.crypto.signers.Ed25519Signer;

/**
 * Ed25519 verification with domain separation: every signed message is prefixed with a tag naming
 * what it is, so a signature made for one purpose (say, a handshake) can never be replayed as
 * another (say, a block).
 */
public final class Signatures {
    public static final int LENGTH = 64;

    private Signatures() {}

    /** Signing purposes; the tag bytes are part of what is signed and must never change. */
    public enum Domain {
        BLOCK("swiftserve/block/v1"),
        TRANSACTION("swiftserve/tx/v1"),
        INVITE("swiftserve/invite/v1"),
        /** An invite's one-time key naming the key that uses it. */
        INVITE_USE("swiftserve/invite-use/v1"),
        AUTH("swiftserve/auth/v1"),
        PEER_RECORD("swiftserve/peer/v1"),
        /** A LAN discovery announcement (a UDP datagram, not a peer message). */
        DISCOVERY("swiftserve/discovery/v1");

        @SuppressWarnings("ImmutableEnumChecker") // never handed out of identity, never written after construction
        private final byte[] tag;

        Domain(String tag) {
            this.tag = tag.getBytes(StandardCharsets.US_ASCII);
        }

        byte[] tag() {
            return tag;
        }
    }

    /** True when {@code signature} is {@code signer}'s signature of {@code message} for {@code domain}. */
    public static boolean verify(NodeId signer, Domain domain, byte[] message, byte[] signature) {
        if (signature == null || signature.length != LENGTH) {
            return false;
        }
        Ed25519Signer verifier = new Ed25519Signer();
        try {
            verifier.init(false, new Ed25519PublicKeyParameters(signer.bytes(), 0));
        } catch (IllegalArgumentException e) {
            // about half of all 32-byte strings are not curve points: such a "key" signs nothing
            return false;
        }
        verifier.update(domain.tag(), 0, domain.tag().length);
        verifier.update(message, 0, message.length);
        return verifier.verifySignature(signature);
    }

    static byte[] sign(Ed25519Signer signer, Domain domain, byte[] message) {
        signer.reset();
        signer.update(domain.tag(), 0, domain.tag().length);
        signer.update(message, 0, message.length);
        return signer.generateSignature();
    }
}

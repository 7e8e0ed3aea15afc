package io.swiftserve.identity;

import java.security.SecureRandom;
import org.bouncycastle.crypto.params.Ed25519PrivateKeyParameters;
import org.bouncycastle.crypto.signers.Ed25519Signer;

/** This node's Ed25519 key pair. The private half never leaves this class except to its key file. */
public final class NodeKey {
    private final Ed25519PrivateKeyParameters privateKey;
    private final NodeId id;

    private NodeKey(Ed25519PrivateKeyParameters privateKey) {
        this.privateKey = privateKey;
        this.id = NodeId.of(privateKey.generatePublicKey().getEncoded());
    }

    public static NodeKey generate() {
        return new NodeKey(new Ed25519PrivateKeyParameters(new SecureRandom()));
    }

    /** Rebuilds a key from its 32-byte seed. */
    public static NodeKey fromSeed(byte[] seed) {
        if (seed.length != Ed25519PrivateKeyParameters.KEY_SIZE) {
            throw new IllegalArgumentException("an Ed25519 seed is 32 bytes, got " + seed.length);
        }
        return new NodeKey(new Ed25519PrivateKeyParameters(seed, 0));
    }

    public NodeId id() {
        return id;
    }

    /** Signs {@code message} for {@code domain}; see {@link Signatures#verify}. */
    public byte[] sign(Signatures.Domain domain, byte[] message) {
        Ed25519Signer signer = new Ed25519Signer();
        signer.init(true, privateKey);
        return Signatures.sign(signer, domain, message);
    }

    byte[] seed() {
        return privateKey.getEncoded();
    }
}

package io.swiftserve.identity;

import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;

/** SHA-256 from the JDK, which uses the CPU's SHA extensions (several times BouncyCastle's speed). */
public final class Sha256 {
    public static final int LENGTH = 32;

    private Sha256() {}

    public static MessageDigest newDigest() {
        try {
            return MessageDigest.getInstance("SHA-256");
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("the JDK always has SHA-256", e);
        }
    }

    public static byte[] hash(byte[] data) {
        return newDigest().digest(data);
    }
}

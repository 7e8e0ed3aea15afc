package io.swiftserve.identity;

import com.amazon.corretto.crypto.provider.AmazonCorrettoCryptoProvider;
import java.security.GeneralSecurityException;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;

/**
 * SHA-256, from native code where the jar carries it, from the JDK otherwise.
 *
 * <p>Both run on the CPU's SHA instructions, at the same speed (256 KiB chunks, measured here: the
 * JDK 0.69–0.79 CPU-s per GiB, the native one 0.69–0.75). The JDK's digest reaches that speed only
 * in C2-compiled code, so it needs the full JIT, whose compiling and profiled code cost the first
 * transfer after a start half again the CPU of a later one. The native digest (AWS-LC, through the
 * Amazon Corretto Crypto Provider) runs at full speed from the first byte under any JIT, which lets
 * the daemon run on C1 alone (docs/PERFORMANCE.md). Only its digest is used: the provider is not
 * installed, so TLS, signatures and everything else keep their own engines.
 *
 * <p>A node switches to it when it starts ({@link #useNative}); the CLI's commands, which hash a few
 * bytes if anything, do not pay the 0.3 s its library takes to load and self-test.
 */
public final class Sha256 {
    public static final int LENGTH = 32;
    private static volatile AmazonCorrettoCryptoProvider nativeProvider;
    private static boolean tried;

    private Sha256() {}

    public static MessageDigest newDigest() {
        try {
            AmazonCorrettoCryptoProvider p = nativeProvider;
            return p != null ? MessageDigest.getInstance("SHA-256", p) : MessageDigest.getInstance("SHA-256");
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("SHA-256 is always there", e);
        }
    }

    public static byte[] hash(byte[] data) {
        return newDigest().digest(data);
    }

    /**
     * Makes every later digest native if the library loads; returns whether digests are native. Once
     * per JVM: a failed load is not retried.
     */
    public static synchronized boolean useNative() {
        if (!tried) {
            tried = true;
            nativeProvider = loadNative();
        }
        return nativeProvider != null;
    }

    /** Which implementation hashes, for the daemon's start-up line. */
    public static String describe() {
        AmazonCorrettoCryptoProvider p = nativeProvider;
        return p != null ? "AWS-LC (Amazon Corretto Crypto Provider " + p.getVersionStr() + ")" : "the JDK's";
    }

    /**
     * The provider if its native library loads and passes its self-tests. It ships for Linux on
     * x86-64 only; elsewhere, or with a {@code /tmp} it cannot load a library from, the JDK's digest
     * serves. {@code -Dswiftserve.sha256=jdk} chooses the JDK's.
     */
    private static AmazonCorrettoCryptoProvider loadNative() {
        if ("jdk".equals(System.getProperty("swiftserve.sha256"))) {
            return null;
        }
        try {
            AmazonCorrettoCryptoProvider p = AmazonCorrettoCryptoProvider.INSTANCE;
            if (p.getLoadingError() != null) {
                return null;
            }
            // its SHA-256 self-test runs on first use: here, before any chunk is trusted to it
            MessageDigest.getInstance("SHA-256", p).digest(new byte[1]);
            p.assertHealthy();
            return p;
        } catch (GeneralSecurityException | LinkageError | RuntimeException e) {
            return null;
        }
    }
}

package io.swiftserve.daemon;

import io.swiftserve.identity.Sha256;
import java.security.MessageDigest;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Hashes a little memory once at start so that C2 compiles the SHA-256 digest before the first add
 * or transfer needs it. Only C2 code runs the CPU's SHA instructions ({@link CompilerPolicy}); until
 * the digest's loop is hot enough the first file is hashed by the interpreter and C1 (measured on
 * 2 cores: the first 8 MiB at 18 MB/s, 1.1 GB/s from the third 8 MiB on, with C2 compiling
 * {@code DigestBase.implCompressMultiBlock0} and {@code SHA2.implCompress} within the first 16 MiB).
 * 64 MiB in the background on a lowest-priority thread costs about half a CPU-second once.
 * Started once per JVM by {@code swiftserve run}; {@code -Dswiftserve.warmup=0} turns it off (MiB to
 * hash otherwise).
 */
public final class DigestWarmup {
    private static final Logger log = LoggerFactory.getLogger(DigestWarmup.class);
    static final int DEFAULT_MIB = 64;

    private DigestWarmup() {}

    public static void start() {
        int mib = Integer.getInteger("swiftserve.warmup", DEFAULT_MIB);
        if (mib <= 0) {
            return;
        }
        Thread t = new Thread(() -> run(mib), "digest-warmup");
        t.setDaemon(true);
        t.setPriority(Thread.MIN_PRIORITY);
        t.start();
    }

    /** Hashes {@code mib} MiB as the importer does (1 MiB updates, a digest per chunk); returns a byte of it. */
    static byte run(int mib) {
        long start = System.nanoTime();
        MessageDigest digest = Sha256.newDigest();
        byte[] buf = new byte[1 << 20];
        byte[] out = new byte[Sha256.LENGTH];
        for (int i = 0; i < mib; i++) {
            buf[i % buf.length] = (byte) i;
            digest.update(buf, 0, buf.length);
            try {
                digest.digest(out, 0, out.length);
            } catch (java.security.DigestException e) {
                throw new IllegalStateException("the output is 32 bytes", e);
            }
        }
        log.debug("SHA-256 warmed up: {} MiB in {} ms", mib, (System.nanoTime() - start) / 1_000_000);
        return out[0];
    }
}

package io.swiftserve.daemon;

import io.swiftserve.identity.Sha256;
import java.security.MessageDigest;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Hashes a little memory once at start so that C2 compiles the SHA-256 digest before the first add
 * or transfer needs it. Only C2 code runs the CPU's SHA instructions ({@link CompilerPolicy}); until
 * the digest's loop is hot the first file is hashed by the interpreter and C1 (a bare JVM on 2 cores:
 * its first 8 MiB at 18 MB/s, 1.1 GB/s from the third 8 MiB on). In a started daemon
 * ({@code -XX:+PrintCompilation}) C2 compiles {@code SHA2.implCompress0} and
 * {@code DigestBase.implCompressMultiBlock0} within 0.3 s of this loop's start, well inside its
 * 64 MiB; the first add of 1 GiB then took 3.36 s instead of 4.50 s (docs/PERFORMANCE.md). It runs
 * on a lowest-priority daemon thread, once per JVM ({@code swiftserve run});
 * {@code -Dswiftserve.warmup=0} turns it off (MiB to hash otherwise).
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

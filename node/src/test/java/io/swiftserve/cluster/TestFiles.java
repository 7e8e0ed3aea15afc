package io.swiftserve.cluster;

import io.swiftserve.identity.Sha256;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.util.HexFormat;
import java.util.SplittableRandom;

/** Reproducible random content and SHA-256 in hex: what every suite needs to check a copy. */
public final class TestFiles {
    public static final int MIB = 1 << 20;

    private TestFiles() {}

    /** Writes {@code size} pseudo-random bytes (reproducible from {@code seed}) and returns their SHA-256 in hex. */
    public static String writeRandom(Path file, long size, long seed) throws IOException {
        SplittableRandom random = new SplittableRandom(seed);
        MessageDigest digest = Sha256.newDigest();
        byte[] buf = new byte[MIB];
        Files.createDirectories(file.toAbsolutePath().getParent());
        try (OutputStream out = Files.newOutputStream(file)) {
            for (long left = size; left > 0; ) {
                int n = (int) Math.min(buf.length, left);
                random.nextBytes(buf);
                out.write(buf, 0, n);
                digest.update(buf, 0, n);
                left -= n;
            }
        }
        return HexFormat.of().formatHex(digest.digest());
    }

    public static byte[] randomBytes(int size, long seed) {
        byte[] b = new byte[size];
        new SplittableRandom(seed).nextBytes(b);
        return b;
    }

    public static String sha256(byte[] data) {
        return HexFormat.of().formatHex(Sha256.newDigest().digest(data));
    }

    public static String sha256(Path file) {
        MessageDigest digest = Sha256.newDigest();
        byte[] buf = new byte[MIB];
        try (InputStream in = Files.newInputStream(file)) {
            for (int n; (n = in.read(buf)) > 0; ) {
                digest.update(buf, 0, n);
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return HexFormat.of().formatHex(digest.digest());
    }
}

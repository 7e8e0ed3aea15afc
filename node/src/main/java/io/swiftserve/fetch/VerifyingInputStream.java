package io.swiftserve.fetch;

import io.swiftserve.identity.Sha256;
import java.io.FilterInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.security.MessageDigest;
import java.util.HexFormat;

/**
 * Computes the SHA-256 of everything read through it and, at end of stream, compares it with the
 * expected value: a mismatch makes that last read throw, so whoever consumes the stream (the
 * importer that stages and chunk-hashes the file) fails before anything is published. Chunk hashes,
 * the whole-file hash and the copy into the node are thereby one pass over the data.
 */
final class VerifyingInputStream extends FilterInputStream {
    private final MessageDigest digest = Sha256.newDigest();
    private final String expected;
    private final long size;
    private long count;
    private volatile String actual;
    private volatile String mismatch;

    /** @param expected lower-case hex, or null to only compute */
    VerifyingInputStream(InputStream in, long size, String expected) {
        super(in);
        this.size = size;
        this.expected = expected;
    }

    @Override
    public int read() throws IOException {
        byte[] one = new byte[1];
        int n = read(one, 0, 1);
        return n < 0 ? -1 : one[0] & 0xff;
    }

    @Override
    public int read(byte[] b, int off, int len) throws IOException {
        int n = super.read(b, off, len);
        if (n > 0) {
            digest.update(b, off, n);
            count += n;
        } else if (n < 0) {
            finish();
        }
        return n;
    }

    @Override
    public long skip(long n) throws IOException {
        throw new IOException("skipping would leave bytes unhashed");
    }

    private void finish() throws IOException {
        if (actual == null) {
            actual = HexFormat.of().formatHex(digest.digest());
            if (count == size && expected != null && !expected.equals(actual)) {
                mismatch = "SHA-256 mismatch: expected " + expected + ", the download has " + actual
                        + "; nothing was published";
            }
        }
        if (mismatch != null) {
            throw new IOException(mismatch);
        }
    }

    /** The SHA-256 of the whole stream, once it was read to the end; else null. */
    String actual() {
        return actual;
    }

    /** The mismatch message, or null. */
    String mismatch() {
        return mismatch;
    }
}

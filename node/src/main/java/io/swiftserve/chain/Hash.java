package io.swiftserve.chain;

import io.swiftserve.identity.Sha256;
import java.util.Arrays;
import java.util.HexFormat;

/** A 32-byte SHA-256 value: block hashes, transaction ids, file ids, the network id. */
public final class Hash implements Comparable<Hash> {
    public static final Hash ZERO = new Hash(new byte[Sha256.LENGTH]);
    private static final HexFormat HEX = HexFormat.of();

    private final byte[] bytes;

    private Hash(byte[] bytes) {
        this.bytes = bytes;
    }

    public static Hash of(byte[] bytes) {
        if (bytes == null || bytes.length != Sha256.LENGTH) {
            throw new IllegalArgumentException("a hash is 32 bytes, got " + (bytes == null ? 0 : bytes.length));
        }
        return new Hash(bytes.clone());
    }

    public static Hash sha256(byte[] data) {
        return new Hash(Sha256.hash(data));
    }

    public static Hash parse(String hex) {
        return of(HEX.parseHex(hex));
    }

    public byte[] bytes() {
        return bytes.clone();
    }

    public String shortHex() {
        return toString().substring(0, 12);
    }

    @Override
    public String toString() {
        return HEX.formatHex(bytes);
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof Hash h && Arrays.equals(bytes, h.bytes);
    }

    /**
     * The first four bytes: a SHA-256 output is uniform already, and every map keyed by file id
     * hashed all 32 bytes on each lookup (6 % of the transfer thread under a fleet's HAVEs).
     */
    @Override
    public int hashCode() {
        return (bytes[0] & 0xff) << 24 | (bytes[1] & 0xff) << 16 | (bytes[2] & 0xff) << 8 | (bytes[3] & 0xff);
    }

    /** Unsigned byte order: the fork-choice tie-break ("smaller head hash wins"). */
    @Override
    public int compareTo(Hash o) {
        return Arrays.compareUnsigned(bytes, o.bytes);
    }
}

package io.swiftserve.identity;

import java.util.Arrays;
import java.util.HexFormat;
import java.util.Locale;

/**
 * A node's identity on the network: its Ed25519 public key. The text form is the lower-case hex of
 * the 32 key bytes; {@link #shortId()} is the first 12 characters, enough to tell members apart in
 * logs and human output.
 */
public final class NodeId implements Comparable<NodeId> {
    public static final int LENGTH = 32;
    private static final HexFormat HEX = HexFormat.of();

    private final byte[] key;

    /** Cached: ids are map keys on every message's path. */
    private final int hash;

    private NodeId(byte[] key) {
        this.hash = Arrays.hashCode(key);
        this.key = key;
    }

    /** Wraps a public key; throws {@link IllegalArgumentException} unless it is 32 bytes. */
    public static NodeId of(byte[] key) {
        if (key == null || key.length != LENGTH) {
            throw new IllegalArgumentException("a node key is 32 bytes, got " + (key == null ? 0 : key.length));
        }
        return new NodeId(key.clone());
    }

    /** Parses the 64-character hex text form. */
    public static NodeId parse(String text) {
        if (text == null || text.length() != 2 * LENGTH) {
            throw new IllegalArgumentException("a node id is 64 hex characters");
        }
        try {
            return new NodeId(HEX.parseHex(text.toLowerCase(Locale.ROOT)));
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException("a node id is 64 hex characters");
        }
    }

    public byte[] bytes() {
        return key.clone();
    }

    public String shortId() {
        return toString().substring(0, 12);
    }

    @Override
    public String toString() {
        return HEX.formatHex(key);
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof NodeId other && Arrays.equals(key, other.key);
    }

    @Override
    public int hashCode() {
        return hash;
    }

    @Override
    public int compareTo(NodeId o) {
        return Arrays.compareUnsigned(key, o.key);
    }
}

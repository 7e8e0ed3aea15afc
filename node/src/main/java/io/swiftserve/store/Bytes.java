package io.swiftserve.store;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;

/** Key-building helpers shared by the domain stores. */
public final class Bytes {
    private Bytes() {}

    public static boolean startsWith(byte[] value, byte[] prefix) {
        if (value.length < prefix.length) {
            return false;
        }
        for (int i = 0; i < prefix.length; i++) {
            if (value[i] != prefix[i]) {
                return false;
            }
        }
        return true;
    }

    public static byte[] concat(byte[] a, byte[] b) {
        byte[] out = new byte[a.length + b.length];
        System.arraycopy(a, 0, out, 0, a.length);
        System.arraycopy(b, 0, out, a.length, b.length);
        return out;
    }

    public static byte[] prefixed(String prefix, byte[] key) {
        return concat(prefix.getBytes(StandardCharsets.UTF_8), key);
    }

    public static byte[] prefixed(String prefix, String key) {
        return (prefix + key).getBytes(StandardCharsets.UTF_8);
    }

    /** Big-endian, so the store's key order is numeric order. */
    public static byte[] longKey(long value) {
        return ByteBuffer.allocate(Long.BYTES).putLong(value).array();
    }

    public static long toLong(byte[] bytes) {
        return ByteBuffer.wrap(bytes).getLong();
    }
}

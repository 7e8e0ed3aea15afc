package io.swiftserve.transfer;

import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLongArray;

/**
 * The verified chunks of one file version. Bits are only ever set, never cleared, which keeps it
 * lock-free and safe to share between the threads that receive chunks and those that announce or
 * persist it.
 *
 * <p>Wire form ({@link #toBytes()}, the {@code HaveBitmap} message): {@code ceil(chunks/8)} bytes,
 * chunk {@code i} is bit {@code i & 7} (least significant first) of byte {@code i >> 3}.
 */
public final class ChunkBitmap {
    private final int chunks;
    private final AtomicLongArray words;
    private final AtomicInteger cardinality = new AtomicInteger();

    public ChunkBitmap(int chunks) {
        if (chunks < 0) {
            throw new IllegalArgumentException("negative chunk count " + chunks);
        }
        this.chunks = chunks;
        this.words = new AtomicLongArray((chunks + 63) >>> 6);
    }

    /** A bitmap with every chunk set: what the node that added a file holds. */
    public static ChunkBitmap full(int chunks) {
        ChunkBitmap bitmap = new ChunkBitmap(chunks);
        for (int i = 0; i < chunks; i++) {
            bitmap.set(i);
        }
        return bitmap;
    }

    /**
     * Parses the wire form. A shorter array means the missing trailing bytes are zero.
     *
     * @throws IllegalArgumentException if {@code bytes} is longer than {@code ceil(chunks/8)} or has a
     *                                  bit set at or beyond {@code chunks}: a peer lying about what it holds
     */
    public static ChunkBitmap fromBytes(int chunks, byte[] bytes) {
        ChunkBitmap bitmap = new ChunkBitmap(chunks);
        int maxLength = byteLength(chunks);
        if (bytes.length > maxLength) {
            throw new IllegalArgumentException(
                    "bitmap of " + bytes.length + " bytes for " + chunks + " chunks (at most " + maxLength + ")");
        }
        int usedBitsInLast = chunks & 7;
        if (bytes.length == maxLength && usedBitsInLast != 0 && (bytes[maxLength - 1] & 0xFF) >>> usedBitsInLast != 0) {
            throw new IllegalArgumentException("bitmap has bits set beyond chunk " + (chunks - 1));
        }
        int count = 0;
        for (int i = 0; i < bytes.length; i++) {
            long b = bytes[i] & 0xFFL;
            if (b != 0) {
                int word = i >>> 3;
                bitmap.words.set(word, bitmap.words.get(word) | b << ((i & 7) << 3));
                count += Long.bitCount(b);
            }
        }
        bitmap.cardinality.set(count);
        return bitmap;
    }

    public int chunkCount() {
        return chunks;
    }

    /** Marks chunk {@code index} held; returns whether it was newly set. */
    public boolean set(int index) {
        checkIndex(index);
        long mask = 1L << index; // shifts use the low six bits only
        long before = words.getAndAccumulate(index >>> 6, mask, (old, m) -> old | m);
        if ((before & mask) != 0) {
            return false;
        }
        cardinality.incrementAndGet();
        return true;
    }

    public boolean get(int index) {
        checkIndex(index);
        return (words.get(index >>> 6) & (1L << index)) != 0;
    }

    public int cardinality() {
        return cardinality.get();
    }

    public boolean isComplete() {
        return cardinality.get() == chunks;
    }

    /** The first chunk at or after {@code from} that is not held, or -1 if there is none. */
    public int nextClear(int from) {
        for (int i = Math.max(from, 0); i < chunks; ) {
            long free = ~words.get(i >>> 6) >>> (i & 63);
            if (free != 0) {
                int found = i + Long.numberOfTrailingZeros(free);
                return found < chunks ? found : -1;
            }
            i = (i | 63) + 1;
        }
        return -1;
    }

    /** The first chunk at or after {@code from} that is held, or -1 if there is none. */
    public int nextSet(int from) {
        for (int i = Math.max(from, 0); i < chunks; ) {
            long held = words.get(i >>> 6) >>> (i & 63);
            if (held != 0) {
                return i + Long.numberOfTrailingZeros(held);
            }
            i = (i | 63) + 1;
        }
        return -1;
    }

    /** The wire form; a snapshot, which may miss chunks set concurrently. */
    public byte[] toBytes() {
        byte[] out = new byte[byteLength(chunks)];
        for (int i = 0; i < out.length; i++) {
            out[i] = (byte) (words.get(i >>> 3) >>> ((i & 7) << 3));
        }
        return out;
    }

    public ChunkBitmap copy() {
        return fromBytes(chunks, toBytes());
    }

    private static int byteLength(int chunks) {
        return (chunks + 7) >>> 3;
    }

    private void checkIndex(int index) {
        if (index < 0 || index >= chunks) {
            throw new IndexOutOfBoundsException("chunk " + index + " of " + chunks);
        }
    }

    @Override
    public String toString() {
        return "ChunkBitmap[" + cardinality() + "/" + chunks + "]";
    }
}

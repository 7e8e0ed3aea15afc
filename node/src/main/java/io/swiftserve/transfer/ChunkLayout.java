package io.swiftserve.transfer;

import io.swiftserve.chain.Manifest;
import io.swiftserve.chain.TransactionRules;
import io.swiftserve.chain.TreeChunks;
import java.util.Arrays;

/**
 * How a version of {@code size} bytes is cut into chunks of at most {@code chunkSize} bytes. A file
 * is cut every {@code chunkSize} bytes, all chunks full but possibly the last; a tree is cut where
 * its files begin and end ({@link TreeChunks}), so its chunks vary in length. The chunk size is
 * part of the ledger entry and a tree's cut follows from its manifest, so every node derives the
 * same offsets.
 */
public final class ChunkLayout {
    /**
     * A chunk is relayed only once it is whole and verified, so every hop of a swarm waits a chunk's
     * time at its share of a link, and the receivers trail the seed by the chunks in flight: at the
     * end they still lack that many, and only then can the seed's uplink help. Halving the chunks
     * halves that tail. 64 MiB, 100 Mbit/s, simulated: 8 hosts 1.153 -> 1.119 x T_min, 32 hosts
     * 1.36 -> 1.24, 100 hosts 1.52-1.62 -> 1.33-1.39; 8 real hosts 1.22-1.26 -> 1.18-1.22
     * (docs/PERFORMANCE.md). 64 KiB was no better at 8 hosts: requests and HAVEs per byte double.
     */
    public static final int MIN_CHUNK_SIZE = TransactionRules.MIN_CHUNK_SIZE;

    public static final int MAX_CHUNK_SIZE = TransactionRules.MAX_CHUNK_SIZE;
    /**
     * {@link #forSize} grows the chunk size until a file fits in this many chunks, if it can. Every
     * chunk costs a request, a frame, a hash check, HAVEs to each peer and a turn of the transfer
     * thread: a 512 MiB file on 4 hosts at 1 Gbit/s took 0.93 x the time and 0.91 x the CPU at 1,024
     * (512 KiB chunks) as at 4,096 (docs/PERFORMANCE.md). Files up to 128 MiB keep
     * {@link #MIN_CHUNK_SIZE}.
     */
    public static final int TARGET_MAX_CHUNKS = 1024;
    /**
     * A tree's smallest chunk size: its files of less than a chunk share chunks in packs, and the pack
     * size, the chunk counts of datasets and what an edit re-sends were all measured at 256 KiB.
     */
    public static final int TREE_MIN_CHUNK_SIZE = 256 * 1024;

    private final long size;
    private final int chunkSize;
    /** A tree's chunk start offsets; null when every chunk but the last is {@code chunkSize} long. */
    private final long[] starts;

    /**
     * @param size      the content size in bytes, {@code >= 0}
     * @param chunkSize a power of two between {@link #MIN_CHUNK_SIZE} and {@link #MAX_CHUNK_SIZE}
     * @throws IllegalArgumentException if the size is negative, the chunk size invalid, or there would be over 2^31-1 chunks
     */
    public ChunkLayout(long size, int chunkSize) {
        this(size, chunkSize, null);
    }

    private ChunkLayout(long size, int chunkSize, long[] starts) {
        this.size = size;
        this.chunkSize = chunkSize;
        this.starts = starts;
        if (size < 0) {
            throw new IllegalArgumentException("negative file size " + size);
        }
        if (!validChunkSize(chunkSize)) {
            throw new IllegalArgumentException("chunk size " + chunkSize + " is not a power of two between "
                    + MIN_CHUNK_SIZE + " and " + MAX_CHUNK_SIZE);
        }
        if (starts != null) {
            checkStarts(size, chunkSize, starts);
        } else if (chunkCount(size, chunkSize) > Integer.MAX_VALUE) {
            throw new IllegalArgumentException("file of " + size + " bytes has too many chunks of " + chunkSize);
        }
    }

    /**
     * The layout for a new file: the smallest valid chunk size that gives at most
     * {@value #TARGET_MAX_CHUNKS} chunks; files over 16 GiB get 16 MiB chunks and more of them.
     */
    public static ChunkLayout forSize(long size) {
        return new ChunkLayout(size, chunkSizeFor(size, MIN_CHUNK_SIZE));
    }

    /**
     * The layout for a new version of a file whose version before was cut in {@code previous}-byte
     * chunks: that size again while it is within a factor of two of what {@link #forSize} picks. A
     * node reuses the chunks of the version it holds only at an equal chunk size ({@code
     * VersionReuse}), so a file growing from 120 to 130 MiB would otherwise be sent again whole.
     * Further off the fresh choice, the swarm's tail or the chunk count would cost more than reuse
     * saves.
     */
    public static ChunkLayout forNextVersion(long size, int previous) {
        return new ChunkLayout(size, keptOrFresh(size, previous, MIN_CHUNK_SIZE));
    }

    /**
     * The chunk size of a tree of {@code size} bytes: as a file's, but at least {@link
     * #TREE_MIN_CHUNK_SIZE}; a new version keeps its version before's ({@code previous}, 0 for none)
     * as {@link #forNextVersion} does, for the same reason.
     */
    public static int treeChunkSize(long size, int previous) {
        return keptOrFresh(size, previous, TREE_MIN_CHUNK_SIZE);
    }

    private static int keptOrFresh(long size, int previous, int smallest) {
        int fresh = chunkSizeFor(size, smallest);
        boolean near = previous == fresh / 2 || previous == fresh * 2;
        if (near
                && previous >= smallest
                && validChunkSize(previous)
                && chunkCount(size, previous) <= 2L * TARGET_MAX_CHUNKS) {
            return previous;
        }
        return fresh;
    }

    private static int chunkSizeFor(long size, int smallest) {
        int chunkSize = smallest;
        while (chunkSize < MAX_CHUNK_SIZE && chunkCount(size, chunkSize) > TARGET_MAX_CHUNKS) {
            chunkSize <<= 1;
        }
        return chunkSize;
    }

    /** Same as the constructor; reads better at call sites that validate peer input. */
    public static ChunkLayout of(long size, int chunkSize) {
        return new ChunkLayout(size, chunkSize);
    }

    /** The cut of the version {@code manifest} describes (checked against its ledger entry before it gets here). */
    public static ChunkLayout of(Manifest manifest) {
        if (!manifest.isTree()) {
            return new ChunkLayout(manifest.size(), manifest.chunkSize());
        }
        return tree(manifest.size(), manifest.chunkSize(), TreeChunks.starts(manifest.entries(), manifest.chunkSize()));
    }

    /** A tree's cut: chunk {@code i} runs from {@code starts[i]} to the next start or the end. */
    public static ChunkLayout tree(long size, int chunkSize, long[] starts) {
        return new ChunkLayout(size, chunkSize, starts.clone());
    }

    public long size() {
        return size;
    }

    /** The longest a chunk can be: every chunk of a file but its last, a tree's large files' chunks. */
    public int chunkSize() {
        return chunkSize;
    }

    public static boolean validChunkSize(int chunkSize) {
        return TransactionRules.validChunkSize(chunkSize);
    }

    public int chunkCount() {
        return starts != null ? starts.length : (int) chunkCount(size, chunkSize);
    }

    /** Byte offset of chunk {@code index} in the content. */
    public long offset(int index) {
        checkIndex(index);
        return starts != null ? starts[index] : (long) index * chunkSize;
    }

    /** Length of chunk {@code index}: at most {@link #chunkSize()}. */
    public int length(int index) {
        long offset = offset(index);
        long end = starts != null && index + 1 < starts.length ? starts[index + 1] : size;
        return (int) Math.min(chunkSize, end - offset);
    }

    private void checkIndex(int index) {
        if (index < 0 || index >= chunkCount()) {
            throw new IndexOutOfBoundsException("chunk " + index + " of " + chunkCount());
        }
    }

    private static long chunkCount(long size, int chunkSize) {
        // chunkSize is a power of two, so ceil-division cannot overflow for any non-negative long
        return (size >>> Integer.numberOfTrailingZeros(chunkSize)) + ((size & (chunkSize - 1)) == 0 ? 0 : 1);
    }

    private static void checkStarts(long size, int chunkSize, long[] starts) {
        for (int i = 0; i < starts.length; i++) {
            long end = i + 1 < starts.length ? starts[i + 1] : size;
            if (starts[i] < 0 || end <= starts[i] || end - starts[i] > chunkSize || (i == 0 && starts[0] != 0)) {
                throw new IllegalArgumentException("chunk " + i + " of a tree runs from " + starts[i] + " to " + end);
            }
        }
        if (starts.length == 0 && size != 0) {
            throw new IllegalArgumentException("a tree of " + size + " bytes has no chunks");
        }
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof ChunkLayout l
                && l.size == size
                && l.chunkSize == chunkSize
                && Arrays.equals(l.starts, starts);
    }

    @Override
    public int hashCode() {
        return Long.hashCode(size) * 31 + chunkSize;
    }

    @Override
    public String toString() {
        return "ChunkLayout[size=" + size + ", chunkSize=" + chunkSize
                + (starts == null ? "" : ", tree chunks=" + starts.length) + "]";
    }
}

package io.swiftserve.transfer;

/**
 * How a file of {@code size} bytes is cut into chunks of {@code chunkSize} bytes: every chunk is
 * full except possibly the last. The chunk size is part of the file's ledger entry, so every node
 * derives the same offsets from it.
 *
 * @param size      the file size in bytes, {@code >= 0}
 * @param chunkSize a power of two between {@link #MIN_CHUNK_SIZE} and {@link #MAX_CHUNK_SIZE}
 */
public record ChunkLayout(long size, int chunkSize) {
    public static final int MIN_CHUNK_SIZE = 256 * 1024;
    public static final int MAX_CHUNK_SIZE = 16 * 1024 * 1024;
    /** {@link #forSize} grows the chunk size until a file fits in this many chunks, if it can. */
    public static final int TARGET_MAX_CHUNKS = 4096;

    /** @throws IllegalArgumentException if the size is negative, the chunk size invalid, or there would be over 2^31-1 chunks */
    public ChunkLayout {
        if (size < 0) {
            throw new IllegalArgumentException("negative file size " + size);
        }
        if (!validChunkSize(chunkSize)) {
            throw new IllegalArgumentException("chunk size " + chunkSize + " is not a power of two between "
                    + MIN_CHUNK_SIZE + " and " + MAX_CHUNK_SIZE);
        }
        if (chunkCount(size, chunkSize) > Integer.MAX_VALUE) {
            throw new IllegalArgumentException("file of " + size + " bytes has too many chunks of " + chunkSize);
        }
    }

    /**
     * The layout for a new file: the smallest valid chunk size that gives at most
     * {@value #TARGET_MAX_CHUNKS} chunks; files over 64 GiB get 16 MiB chunks and more of them.
     */
    public static ChunkLayout forSize(long size) {
        int chunkSize = MIN_CHUNK_SIZE;
        while (chunkSize < MAX_CHUNK_SIZE && chunkCount(size, chunkSize) > TARGET_MAX_CHUNKS) {
            chunkSize <<= 1;
        }
        return new ChunkLayout(size, chunkSize);
    }

    /** Same as the canonical constructor; reads better at call sites that validate peer input. */
    public static ChunkLayout of(long size, int chunkSize) {
        return new ChunkLayout(size, chunkSize);
    }

    public static boolean validChunkSize(int chunkSize) {
        return chunkSize >= MIN_CHUNK_SIZE && chunkSize <= MAX_CHUNK_SIZE && Integer.bitCount(chunkSize) == 1;
    }

    public int chunkCount() {
        return (int) chunkCount(size, chunkSize);
    }

    /** Byte offset of chunk {@code index} in the file. */
    public long offset(int index) {
        checkIndex(index);
        return (long) index * chunkSize;
    }

    /** Length of chunk {@code index}: {@link #chunkSize()} except for a short last chunk. */
    public int length(int index) {
        long offset = offset(index);
        return (int) Math.min(chunkSize, size - offset);
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
}

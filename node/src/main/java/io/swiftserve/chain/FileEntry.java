package io.swiftserve.chain;

import io.swiftserve.identity.NodeId;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;

/**
 * One file of the ledger's file set at its current version. {@code fileId} (the id of the
 * transaction that published this version) names the version on the wire; {@code manifest} names
 * its chunk hashes, which travel off the chain ({@link Manifest}). {@code chunkCount} is the
 * FileAdd's for a tree ({@link TreeChunks}), and {@code ceil(size / chunkSize)} for a file.
 */
public record FileEntry(
        String path,
        Hash fileId,
        long version,
        long size,
        int chunkSize,
        Hash manifest,
        NodeId addedBy,
        long height,
        int chunkCount) {

    /** A version cut every {@code chunkSize} bytes (a single file). */
    public FileEntry(
            String path,
            Hash fileId,
            long version,
            long size,
            int chunkSize,
            Hash manifest,
            NodeId addedBy,
            long height) {
        this(path, fileId, version, size, chunkSize, manifest, addedBy, height, fixedCount(size, chunkSize));
    }

    public static int fixedCount(long size, int chunkSize) {
        return (int) ((size + chunkSize - 1) / chunkSize);
    }

    byte[] encode() {
        byte[] p = path.getBytes(StandardCharsets.UTF_8);
        return ByteBuffer.allocate(4 + p.length + 32 + 8 + 8 + 4 + 32 + 32 + 8 + 4)
                .putInt(p.length)
                .put(p)
                .put(fileId.bytes())
                .putLong(version)
                .putLong(size)
                .putInt(chunkSize)
                .put(manifest.bytes())
                .put(addedBy.bytes())
                .putLong(height)
                .putInt(chunkCount)
                .array();
    }

    static FileEntry decode(byte[] value) {
        ByteBuffer in = ByteBuffer.wrap(value);
        byte[] p = new byte[in.getInt()];
        in.get(p);
        byte[] id = new byte[32];
        in.get(id);
        long version = in.getLong();
        long size = in.getLong();
        int chunkSize = in.getInt();
        byte[] manifest = new byte[32];
        in.get(manifest);
        byte[] by = new byte[32];
        in.get(by);
        long height = in.getLong();
        // entries stored before trees stated their chunk count end here
        int chunkCount = in.remaining() >= 4 ? in.getInt() : fixedCount(size, chunkSize);
        return new FileEntry(
                new String(p, StandardCharsets.UTF_8),
                Hash.of(id),
                version,
                size,
                chunkSize,
                Hash.of(manifest),
                NodeId.of(by),
                height,
                chunkCount);
    }
}

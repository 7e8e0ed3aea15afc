package io.swiftserve.chain;

import io.swiftserve.identity.NodeId;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;

/**
 * One file of the ledger's file set at its current version. {@code fileId} (the id of the
 * transaction that published this version) names the version on the wire.
 */
public record FileEntry(String path, Hash fileId, long version, long size, int chunkSize, byte[] chunkHashes,
                        NodeId addedBy, long height) {

    public int chunkCount() {
        return chunkHashes.length / 32;
    }

    /** The expected SHA-256 of chunk {@code index}. */
    public byte[] chunkHash(int index) {
        byte[] h = new byte[32];
        System.arraycopy(chunkHashes, index * 32, h, 0, 32);
        return h;
    }

    byte[] encode() {
        byte[] p = path.getBytes(StandardCharsets.UTF_8);
        return ByteBuffer.allocate(4 + p.length + 32 + 8 + 8 + 4 + 4 + chunkHashes.length + 32 + 8)
                .putInt(p.length).put(p).put(fileId.bytes()).putLong(version).putLong(size).putInt(chunkSize)
                .putInt(chunkHashes.length).put(chunkHashes).put(addedBy.bytes()).putLong(height).array();
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
        byte[] hashes = new byte[in.getInt()];
        in.get(hashes);
        byte[] by = new byte[32];
        in.get(by);
        return new FileEntry(new String(p, StandardCharsets.UTF_8), Hash.of(id), version, size, chunkSize, hashes,
                NodeId.of(by), in.getLong());
    }
}

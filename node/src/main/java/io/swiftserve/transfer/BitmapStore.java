package io.swiftserve.transfer;

import io.swiftserve.identity.Sha256;
import io.swiftserve.store.KeyValueStore;
import io.swiftserve.store.Segment;
import java.nio.ByteBuffer;
import java.util.Arrays;
import java.util.HexFormat;
import java.util.Optional;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Persists the {@link ChunkBitmap} of each file in {@link Segment#BITMAPS}: key = the 32-byte file
 * id, value = the chunk count (4 bytes, big-endian) followed by the bitmap's wire form. The count
 * guards against reading a bitmap of another version of the file as this one's.
 */
public final class BitmapStore {
    private static final Logger log = LoggerFactory.getLogger(BitmapStore.class);

    private final KeyValueStore store;

    public BitmapStore(KeyValueStore store) {
        this.store = store;
    }

    /** The saved bitmap, or an empty one if none is saved for {@code chunks} chunks. */
    public ChunkBitmap load(byte[] fileId, int chunks) {
        Optional<byte[]> value = store.get(Segment.BITMAPS, checkId(fileId));
        if (value.isEmpty()) {
            return new ChunkBitmap(chunks);
        }
        byte[] bytes = value.get();
        if (bytes.length < Integer.BYTES) {
            log.warn("ignoring a truncated chunk bitmap for file {}", hex(fileId));
            return new ChunkBitmap(chunks);
        }
        int storedChunks = ByteBuffer.wrap(bytes).getInt();
        if (storedChunks != chunks) {
            // a leftover of another version of the file: its chunks say nothing about this one
            return new ChunkBitmap(chunks);
        }
        try {
            return ChunkBitmap.fromBytes(chunks, Arrays.copyOfRange(bytes, Integer.BYTES, bytes.length));
        } catch (IllegalArgumentException e) {
            log.warn("ignoring a corrupt chunk bitmap for file {}: {}", hex(fileId), e.getMessage());
            return new ChunkBitmap(chunks);
        }
    }

    /** Writes {@code bitmap} on its own. */
    public void save(byte[] fileId, ChunkBitmap bitmap) {
        KeyValueStore.Batch batch = store.batch();
        saveTo(batch, fileId, bitmap);
        batch.commit();
    }

    /** Adds the write of {@code bitmap} to {@code batch}, to commit it atomically with other writes. */
    public KeyValueStore.Batch saveTo(KeyValueStore.Batch batch, byte[] fileId, ChunkBitmap bitmap) {
        byte[] bits = bitmap.toBytes();
        byte[] value = ByteBuffer.allocate(Integer.BYTES + bits.length)
                .putInt(bitmap.chunkCount())
                .put(bits)
                .array();
        return batch.put(Segment.BITMAPS, checkId(fileId), value);
    }

    public void delete(byte[] fileId) {
        deleteIn(store.batch(), fileId).commit();
    }

    /** Adds the deletion to {@code batch}, e.g. with the removal of a file from the ledger. */
    public KeyValueStore.Batch deleteIn(KeyValueStore.Batch batch, byte[] fileId) {
        return batch.delete(Segment.BITMAPS, checkId(fileId));
    }

    private static byte[] checkId(byte[] fileId) {
        if (fileId.length != Sha256.LENGTH) {
            throw new IllegalArgumentException("a file id has " + Sha256.LENGTH + " bytes, not " + fileId.length);
        }
        return fileId;
    }

    private static String hex(byte[] fileId) {
        return HexFormat.of().formatHex(fileId);
    }
}

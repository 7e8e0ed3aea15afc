package io.swiftserve.transfer;

import io.swiftserve.chain.Manifest;
import io.swiftserve.chain.TreeChunks;
import io.swiftserve.chain.TreeEntry;
import io.swiftserve.identity.Sha256;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * The chunk hashes a new version of a tree can take from its previous version without reading the
 * bytes again: a chunk made of the same pieces (path, offset in the file, length) of files whose
 * size, mtime and mode are unchanged. Size and mtime stand for content, as Syncthing and rsync
 * assume: an edit that keeps both (a tool that restores the mtime) is not seen, and the version is
 * published with the old hash for that chunk, which no receiver can then verify; touching the file
 * and adding again publishes a good version.
 */
public final class KnownChunks {
    private KnownChunks() {}

    /** Per chunk of the new cut, the previous version's hash of the same pieces, or null to hash it. */
    public static byte[][] of(List<TreeEntry> entries, ChunkLayout layout, Manifest previous) {
        byte[][] known = new byte[layout.chunkCount()][];
        if (previous == null || !previous.isTree() || previous.chunkSize() != layout.chunkSize()) {
            return known;
        }
        List<TreeEntry> before = previous.entries();
        long[] oldStarts = TreeChunks.starts(before, previous.chunkSize());
        if (oldStarts.length != previous.chunkCount()) {
            return known; // not the cut this version makes: share nothing
        }
        byte[][] oldKeys = keys(before, oldStarts, previous.size());
        byte[] oldHashes = previous.chunkHashes();
        Map<ByteBuffer, Integer> byKey = new HashMap<>(oldKeys.length * 2);
        for (int j = 0; j < oldKeys.length; j++) {
            byKey.put(ByteBuffer.wrap(oldKeys[j]), j);
        }
        long[] starts = new long[layout.chunkCount()];
        for (int i = 0; i < starts.length; i++) {
            starts[i] = layout.offset(i);
        }
        byte[][] keys = keys(entries, starts, layout.size());
        for (int i = 0; i < keys.length; i++) {
            Integer j = byKey.get(ByteBuffer.wrap(keys[i]));
            if (j != null) {
                known[i] = Arrays.copyOfRange(oldHashes, j * Sha256.LENGTH, (j + 1) * Sha256.LENGTH);
            }
        }
        return known;
    }

    /** How many bytes of {@code layout} {@code known} spares from hashing. */
    public static long bytes(ChunkLayout layout, byte[][] known) {
        long n = 0;
        for (int i = 0; i < known.length; i++) {
            n += known[i] == null ? 0 : layout.length(i);
        }
        return n;
    }

    /** A digest per chunk of what it is made of: each piece's file (path, size, mtime), offset and length. */
    private static byte[][] keys(List<TreeEntry> entries, long[] starts, long size) {
        byte[][] out = new byte[starts.length][];
        MessageDigest digest = Sha256.newDigest();
        ByteBuffer numbers = ByteBuffer.allocate(8 * 4);
        int chunk = 0;
        long pos = 0;
        for (TreeEntry e : entries) {
            long inFile = 0;
            while (inFile < e.size() && chunk < starts.length) {
                long end = chunk + 1 < starts.length ? starts[chunk + 1] : size;
                long take = Math.min(e.size() - inFile, end - pos);
                byte[] path = e.path().getBytes(StandardCharsets.UTF_8);
                numbers.clear().putInt(path.length).putLong(e.size()).putLong(e.mtimeMs());
                numbers.putLong(inFile).putInt((int) take);
                digest.update(numbers.array());
                digest.update(path);
                inFile += take;
                pos += take;
                if (pos == end) {
                    out[chunk++] = digest.digest();
                }
            }
        }
        return out;
    }
}

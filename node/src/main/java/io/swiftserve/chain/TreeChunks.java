package io.swiftserve.chain;

import io.swiftserve.identity.Sha256;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.List;

/**
 * Where a tree's chunks begin, derived from its entry list alone so that every node cuts the same
 * content the same way. The content is the files back to back (nothing is padded, on disk or on the
 * wire); only the boundaries follow the files:
 *
 * <ul>
 *   <li>A file of at least one chunk size starts a chunk and ends one: its chunks depend on its own
 *       bytes only, as BitTorrent's BEP 47 pad files arrange, without sending the padding. A
 *       file that grows or moves elsewhere in the tree keeps every chunk hash but its last.
 *   <li>Smaller files are packed whole into shared chunks, so 10,000 small files are not 10,000
 *       requests. A pack ends when the next file would not fit, or after an anchor file: one whose
 *       path hashes to 0 modulo {@value #ANCHOR_EVERY}. Anchors depend on names, not on sizes or
 *       positions, so an edit re-cuts only the packs up to the next anchor, about {@value
 *       #ANCHOR_EVERY} small files, and the rest of the tree keeps its chunk hashes.
 * </ul>
 *
 * A single file's content keeps the fixed cut ({@code index * chunkSize}).
 */
public final class TreeChunks {
    /** One small file in this many, by the hash of its path, ends a pack. */
    static final int ANCHOR_EVERY = 16;

    private TreeChunks() {}

    /**
     * The start offset of every chunk of a tree's content, ascending; chunk {@code i} runs to the next
     * start, the last to the content's end. Empty files and directories take no bytes and cut nothing.
     */
    public static long[] starts(List<TreeEntry> entries, int chunkSize) {
        long[] starts = new long[Math.max(16, entries.size() / 4)];
        int count = 0;
        long pos = 0;
        long pack = -1; // start of the pack being filled, -1 when none is open
        for (TreeEntry e : entries) {
            long size = e.size();
            if (e.directory() || size == 0) {
                continue;
            }
            if (size >= chunkSize) {
                if (pack >= 0) {
                    starts = put(starts, count++, pack);
                    pack = -1;
                }
                for (long off = 0; off < size; off += chunkSize) {
                    starts = put(starts, count++, pos + off);
                }
                pos += size;
                continue;
            }
            if (pack >= 0 && pos + size - pack > chunkSize) {
                starts = put(starts, count++, pack);
                pack = -1;
            }
            if (pack < 0) {
                pack = pos;
            }
            pos += size;
            if (anchor(e.path())) {
                starts = put(starts, count++, pack);
                pack = -1;
            }
        }
        if (pack >= 0) {
            starts = put(starts, count++, pack);
        }
        return Arrays.copyOf(starts, count);
    }

    /** How many chunks {@link #starts} gives, without keeping them. */
    public static int count(List<TreeEntry> entries, int chunkSize) {
        return starts(entries, chunkSize).length;
    }

    /**
     * The most chunks a tree of {@code size} bytes in {@code chunkSize} chunks can have, a bound the
     * chain checks before any manifest is seen: a large file adds at most one short chunk, a pack ends
     * at an anchor, before a large file or when it and the next pack exceed a chunk together, and
     * every chunk holds a byte.
     */
    public static long maxCount(long size, int chunkSize) {
        long full = (size + chunkSize - 1) / chunkSize;
        return Math.min(size, 3 * full + 2L * TreeEntries.MAX_ENTRIES + 2);
    }

    static boolean anchor(String path) {
        byte[] h = Sha256.hash(path.getBytes(StandardCharsets.UTF_8));
        return ((h[0] & 0xff) % ANCHOR_EVERY) == 0;
    }

    private static long[] put(long[] starts, int at, long value) {
        long[] out = at < starts.length ? starts : Arrays.copyOf(starts, starts.length * 2);
        out[at] = value;
        return out;
    }
}

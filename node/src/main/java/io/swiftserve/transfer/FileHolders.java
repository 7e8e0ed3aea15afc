package io.swiftserve.transfer;

import io.swiftserve.identity.NodeId;
import java.util.Arrays;
import java.util.HashMap;
import java.util.Map;

/**
 * What the peers hold of one file version, compactly: in a fleet nearly every peer of nearly every
 * file holds all of it, so those are one bit each (by {@link PeerNumbers}) sharing one full bitmap,
 * and only the peers part-way through keep a bitmap of their own. A map entry per (file, peer) was
 * ~70 bytes: 64 peers made it 4.5 KB per file, 45 MB at 10,000 files.
 */
final class FileHolders {
    private final PeerNumbers numbers;
    /** A complete bitmap of the file's chunk count, shared by every peer that holds the whole file (and other files). */
    private ChunkBitmap full;

    private static final long[] NONE = {};
    private long[] whole = NONE;
    /** Peers that sent a bitmap and do not hold the whole file (or hold a different chunk count). */
    private Map<NodeId, ChunkBitmap> part;
    /** Chunks a peer says it holds beyond what its bitmap shows: a super-seeding seed. */
    private Map<NodeId, Integer> claimed;
    /** Held counts saved before this node started, plus one, by peer number; null if none were. */
    private int[] saved;
    /** Peers whose held count may have changed since {@link #drainChanged}. */
    private long[] changed = NONE;

    FileHolders(PeerNumbers numbers) {
        this.numbers = numbers;
    }

    /** Replaces what {@code peer} holds. */
    synchronized void put(NodeId peer, ChunkBitmap bitmap) {
        int n = numbers.of(peer);
        if (bitmap.isComplete() && (full == null || full.chunkCount() == bitmap.chunkCount())) {
            if (full == null) {
                full = numbers.full(bitmap);
            }
            boolean was = get(whole, n);
            whole = set(whole, n, true);
            if (part != null && part.remove(peer) != null && part.isEmpty()) {
                part = null; // an empty map keeps its table: 130 bytes a file once every peer completed
            }
            if (!was) { // whole already: a reconnect's HaveComplete, nothing to save
                mark(n);
            }
            return;
        }
        whole = set(whole, n, false);
        if (part == null) {
            part = new HashMap<>();
        }
        part.put(peer, bitmap);
        mark(n);
    }

    /** Records one more chunk; false if the peer never sent a bitmap (then it is ignored) or the index is out of range. */
    synchronized boolean add(NodeId peer, int index) {
        int n = numbers.find(peer);
        if (get(whole, n)) {
            return index >= 0 && index < full.chunkCount();
        }
        ChunkBitmap b = part == null ? null : part.get(peer);
        if (b == null || index < 0 || index >= b.chunkCount()) {
            return false;
        }
        if (b.set(index)) {
            if (b.isComplete()) {
                put(peer, b);
            }
            mark(n);
        }
        return true;
    }

    synchronized ChunkBitmap bitmap(NodeId peer) {
        int n = numbers.find(peer);
        if (n >= 0 && get(whole, n)) {
            return full;
        }
        return part == null ? null : part.get(peer);
    }

    /** Records the peer's own count of held chunks (0: its bitmap tells all). */
    synchronized void claim(NodeId peer, int holds) {
        Integer before = claimed == null ? null : claimed.get(peer);
        if (holds > 0) {
            if (claimed == null) {
                claimed = new HashMap<>(4);
            }
            claimed.put(peer, holds);
        } else if (claimed != null) {
            claimed.remove(peer);
        }
        if (before == null ? holds > 0 : before != holds) {
            mark(numbers.of(peer));
        }
    }

    synchronized boolean superSeeding(NodeId peer) {
        return claimed != null && claimed.containsKey(peer);
    }

    /** How many chunks {@code peer} holds as far as we know, given its {@code bitmap}. */
    synchronized int held(NodeId peer, ChunkBitmap bitmap) {
        Integer c = claimed == null ? null : claimed.get(peer);
        return c == null ? bitmap.cardinality() : Math.min(bitmap.chunkCount(), Math.max(c, bitmap.cardinality()));
    }

    /** The held counts saved before this node started: shown for peers not heard from since. */
    synchronized void restore(Map<NodeId, Integer> holds) {
        holds.forEach((peer, held) -> {
            int n = numbers.of(peer);
            if (saved == null || saved.length <= n) {
                saved = Arrays.copyOf(saved == null ? new int[0] : saved, numbers.size());
            }
            saved[n] = held + 1;
        });
    }

    /** How many chunks each peer holds as far as we know: what it said this run, else what it said before. */
    synchronized Map<NodeId, Integer> holds() {
        Map<NodeId, Integer> out = new HashMap<>();
        for (int n = 0; saved != null && n < saved.length; n++) {
            if (saved[n] > 0) {
                out.put(numbers.peer(n), saved[n] - 1);
            }
        }
        for (int n = 0; n < whole.length * 64; n++) {
            if (get(whole, n)) {
                NodeId peer = numbers.peer(n);
                out.put(peer, held(peer, full));
            }
        }
        if (part != null) {
            part.forEach((peer, bitmap) -> out.put(peer, held(peer, bitmap)));
        }
        return out;
    }

    /**
     * The held counts of the peers marked changed that differ from the saved ones (taken as saved
     * now); clears the marks.
     */
    synchronized Map<NodeId, Integer> drainChanged() {
        Map<NodeId, Integer> out = new HashMap<>();
        for (int n = 0; n < changed.length * 64; n++) {
            if (!get(changed, n)) {
                continue;
            }
            NodeId peer = numbers.peer(n);
            ChunkBitmap b = bitmap(peer);
            if (b == null) {
                continue;
            }
            int held = held(peer, b);
            if (saved != null && n < saved.length) {
                if (saved[n] == held + 1) {
                    continue;
                }
                saved[n] = held + 1;
            }
            out.put(peer, held);
        }
        changed = NONE;
        return out;
    }

    private void mark(int n) {
        changed = set(changed, n, true);
    }

    private static boolean get(long[] bits, int n) {
        return n >= 0 && (n >>> 6) < bits.length && (bits[n >>> 6] & 1L << n) != 0;
    }

    private static long[] set(long[] bits, int n, boolean on) {
        if ((n >>> 6) >= bits.length) {
            if (!on) {
                return bits;
            }
            bits = Arrays.copyOf(bits, (n >>> 6) + 1);
        }
        if (on) {
            bits[n >>> 6] |= 1L << n;
        } else {
            bits[n >>> 6] &= ~(1L << n);
        }
        return bits;
    }
}

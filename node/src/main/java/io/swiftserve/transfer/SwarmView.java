package io.swiftserve.transfer;

import io.swiftserve.chain.Hash;
import io.swiftserve.identity.NodeId;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

/**
 * What every peer says it holds, per file version, from HaveBitmap and HaveChunks. It feeds the
 * piece selectors and the per-node progress of {@code status}; it may know files this node's ledger
 * does not have yet (a peer's block can arrive after its bitmap).
 */
final class SwarmView {
    /** How many file versions not (yet) in our ledger we track bitmaps for: a block usually follows within a second. */
    static final int MAX_UNKNOWN_FILES = 64;

    private final Map<Hash, Map<NodeId, ChunkBitmap>> byFile = new ConcurrentHashMap<>();
    /** Chunks a peer says it holds beyond what its bitmap shows: a super-seeding seed. */
    private final Map<Hash, Map<NodeId, Integer>> claimed = new ConcurrentHashMap<>();
    /**
     * Per file, the held counts as last saved ({@link PeerHoldsStore}): what a peer that has not
     * spoken since this node started last said, and what {@link #changedHolds} compares against.
     */
    private final Map<Hash, Map<NodeId, Integer>> saved = new ConcurrentHashMap<>();
    /**
     * Per file, the peers whose holdings changed since the last {@link #changedHolds}: only they are
     * compared, so the once-a-second save costs what changed, not every peer of every file touched
     * (10,000 files x 64 peers a second under a fleet's HAVEs).
     */
    private final Map<Hash, Set<NodeId>> holdsChanged = new ConcurrentHashMap<>();
    /**
     * One full bitmap per file, shared by every peer that holds all of it: in a fleet most peers of
     * most files are complete, and a bitmap each (512 bytes for 4,096 chunks) per file per peer is
     * what made thousands of files and dozens of peers cost hundreds of megabytes.
     */
    private final Map<Hash, ChunkBitmap> full = new ConcurrentHashMap<>();

    void put(Hash fileId, NodeId peer, ChunkBitmap bitmap) {
        byFile.computeIfAbsent(fileId, f -> new ConcurrentHashMap<>()).put(peer, shared(fileId, bitmap));
        changed(fileId, peer);
    }

    private void changed(Hash fileId, NodeId peer) {
        holdsChanged.computeIfAbsent(fileId, f -> ConcurrentHashMap.newKeySet()).add(peer);
    }

    /** {@code bitmap}, or the file's shared full bitmap if it is complete (never written again: every bit is set). */
    private ChunkBitmap shared(Hash fileId, ChunkBitmap bitmap) {
        if (!bitmap.isComplete()) {
            return bitmap;
        }
        ChunkBitmap one = full.computeIfAbsent(fileId, f -> bitmap);
        return one.chunkCount() == bitmap.chunkCount() ? one : bitmap;
    }

    /** The held counts saved for a file before this node started: shown for peers not heard from since. */
    void restore(Hash fileId, Map<NodeId, Integer> holds) {
        if (!holds.isEmpty()) {
            saved.put(fileId, new ConcurrentHashMap<>(holds));
        }
    }

    /**
     * The held counts of {@code tracked} files that differ from the saved ones, taken as saved now.
     * Only files whose peers said something since the last call are looked at.
     */
    Map<Hash, Map<NodeId, Integer>> changedHolds(Set<Hash> tracked) {
        Map<Hash, Map<NodeId, Integer>> out = new java.util.HashMap<>();
        for (Hash fileId : List.copyOf(holdsChanged.keySet())) {
            if (!tracked.contains(fileId)) {
                continue; // not in our ledger yet: looked at once it is
            }
            Set<NodeId> changedPeers = holdsChanged.remove(fileId);
            if (changedPeers == null) {
                continue;
            }
            Map<NodeId, Integer> last = saved.computeIfAbsent(fileId, f -> new ConcurrentHashMap<>());
            Map<NodeId, ChunkBitmap> now = peers(fileId);
            for (NodeId peer : changedPeers) {
                ChunkBitmap bitmap = now.get(peer);
                if (bitmap == null) {
                    continue;
                }
                int held = held(fileId, peer, bitmap);
                Integer before = last.put(peer, held);
                if (before == null || before != held) {
                    out.computeIfAbsent(fileId, f -> new java.util.HashMap<>()).put(peer, held);
                }
            }
        }
        return out;
    }

    /** How many chunks each peer holds as far as we know: what it said this run, else what it said before. */
    Map<NodeId, Integer> holds(Hash fileId) {
        Map<NodeId, Integer> out = new java.util.HashMap<>(saved.getOrDefault(fileId, Map.of()));
        peers(fileId).forEach((peer, bitmap) -> out.put(peer, held(fileId, peer, bitmap)));
        return out;
    }

    /** Records the peer's own count of held chunks (0: its bitmap tells all). */
    void claim(Hash fileId, NodeId peer, int holds) {
        changed(fileId, peer);
        if (holds > 0) {
            claimed.computeIfAbsent(fileId, f -> new ConcurrentHashMap<>()).put(peer, holds);
        } else {
            Map<NodeId, Integer> m = claimed.get(fileId);
            if (m != null) {
                m.remove(peer);
            }
        }
    }

    /** Whether {@code peer} super-seeds the file: it holds more than it shows. */
    boolean superSeeding(Hash fileId, NodeId peer) {
        Map<NodeId, Integer> m = claimed.get(fileId);
        return m != null && m.containsKey(peer);
    }

    /** How many chunks {@code peer} holds of the file as far as we know, for progress displays. */
    int held(Hash fileId, NodeId peer, ChunkBitmap bitmap) {
        Map<NodeId, Integer> m = claimed.get(fileId);
        Integer c = m == null ? null : m.get(peer);
        return c == null ? bitmap.cardinality() : Math.min(bitmap.chunkCount(), Math.max(c, bitmap.cardinality()));
    }

    /** Records one more chunk; false if the peer never sent a bitmap for the file (then it is ignored). */
    boolean add(Hash fileId, NodeId peer, int index) {
        ChunkBitmap b = bitmap(fileId, peer).orElse(null);
        if (b == null || index < 0 || index >= b.chunkCount()) {
            return false;
        }
        if (b.set(index) && b.isComplete()) {
            byFile.get(fileId).put(peer, shared(fileId, b));
        }
        changed(fileId, peer);
        return true;
    }

    Optional<ChunkBitmap> bitmap(Hash fileId, NodeId peer) {
        Map<NodeId, ChunkBitmap> peers = byFile.get(fileId);
        return peers == null ? Optional.empty() : Optional.ofNullable(peers.get(peer));
    }

    Map<NodeId, ChunkBitmap> peers(Hash fileId) {
        return byFile.getOrDefault(fileId, Map.of());
    }

    boolean knows(Hash fileId) {
        return byFile.containsKey(fileId);
    }

    int fileCount() {
        return byFile.size();
    }

    void forget(Hash fileId) {
        byFile.remove(fileId);
        full.remove(fileId);
        claimed.remove(fileId);
        saved.remove(fileId);
        holdsChanged.remove(fileId);
    }
}

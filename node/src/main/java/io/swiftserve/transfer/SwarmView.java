package io.swiftserve.transfer;

import io.swiftserve.chain.Hash;
import io.swiftserve.identity.NodeId;
import java.util.Map;
import java.util.Optional;
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

    void put(Hash fileId, NodeId peer, ChunkBitmap bitmap) {
        byFile.computeIfAbsent(fileId, f -> new ConcurrentHashMap<>()).put(peer, bitmap);
    }

    /** Records the peer's own count of held chunks (0: its bitmap tells all). */
    void claim(Hash fileId, NodeId peer, int holds) {
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
        b.set(index);
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
        claimed.remove(fileId);
    }
}

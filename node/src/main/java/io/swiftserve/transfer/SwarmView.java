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

    void put(Hash fileId, NodeId peer, ChunkBitmap bitmap) {
        byFile.computeIfAbsent(fileId, f -> new ConcurrentHashMap<>()).put(peer, bitmap);
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
    }
}

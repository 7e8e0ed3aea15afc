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
 * does not have yet (a peer's block can arrive after its bitmap). Per file, a {@link FileHolders}:
 * a bit per peer that holds it all, a bitmap only for the others.
 */
final class SwarmView {
    /** How many file versions not (yet) in our ledger we track bitmaps for: a block usually follows within a second. */
    static final int MAX_UNKNOWN_FILES = 64;

    private final PeerNumbers numbers = new PeerNumbers();
    private final Map<Hash, FileHolders> byFile = new ConcurrentHashMap<>();
    /**
     * Files restored from the saved counts and not (yet) heard of this run: kept apart so that
     * {@link #knows} and {@link #fileCount} count what peers said, as before.
     */
    private final Map<Hash, FileHolders> restored = new ConcurrentHashMap<>();
    /**
     * Files whose peers said something since the last {@link #changedHolds}: only they are looked at,
     * so the once-a-second save costs what changed, not every peer of every file.
     */
    private final Set<Hash> holdsChanged = ConcurrentHashMap.newKeySet();

    void put(Hash fileId, NodeId peer, ChunkBitmap bitmap) {
        holders(fileId).put(peer, bitmap);
        holdsChanged.add(fileId);
    }

    private FileHolders holders(Hash fileId) {
        FileHolders h = byFile.get(fileId);
        if (h != null) {
            return h;
        }
        return byFile.computeIfAbsent(fileId, f -> {
            FileHolders before = restored.remove(f);
            return before != null ? before : new FileHolders(numbers);
        });
    }

    /** The held counts saved for a file before this node started: shown for peers not heard from since. */
    void restore(Hash fileId, Map<NodeId, Integer> holds) {
        if (!holds.isEmpty()) {
            FileHolders h = byFile.get(fileId);
            (h != null ? h : restored.computeIfAbsent(fileId, f -> new FileHolders(numbers))).restore(holds);
        }
    }

    /**
     * The held counts of {@code tracked} files that differ from the saved ones, taken as saved now.
     * Only files whose peers said something since the last call are looked at.
     */
    Map<Hash, Map<NodeId, Integer>> changedHolds(Set<Hash> tracked) {
        Map<Hash, Map<NodeId, Integer>> out = new java.util.HashMap<>();
        for (Hash fileId : List.copyOf(holdsChanged)) {
            if (!tracked.contains(fileId)) {
                continue; // not in our ledger yet: looked at once it is
            }
            holdsChanged.remove(fileId);
            FileHolders h = byFile.get(fileId);
            Map<NodeId, Integer> changed = h == null ? Map.of() : h.drainChanged();
            if (!changed.isEmpty()) {
                out.put(fileId, changed);
            }
        }
        return out;
    }

    /** How many chunks each peer holds as far as we know: what it said this run, else what it said before. */
    Map<NodeId, Integer> holds(Hash fileId) {
        FileHolders h = byFile.get(fileId);
        if (h == null) {
            h = restored.get(fileId);
        }
        return h == null ? new java.util.HashMap<>() : h.holds();
    }

    /** Records the peer's own count of held chunks (0: its bitmap tells all). */
    void claim(Hash fileId, NodeId peer, int holds) {
        FileHolders h = holds > 0 ? holders(fileId) : byFile.get(fileId);
        if (h != null) {
            h.claim(peer, holds);
            holdsChanged.add(fileId);
        }
    }

    /** Whether {@code peer} super-seeds the file: it holds more than it shows. */
    boolean superSeeding(Hash fileId, NodeId peer) {
        FileHolders h = byFile.get(fileId);
        return h != null && h.superSeeding(peer);
    }

    /** How many chunks {@code peer} holds of the file as far as we know, for progress displays. */
    int held(Hash fileId, NodeId peer, ChunkBitmap bitmap) {
        FileHolders h = byFile.get(fileId);
        return h == null ? bitmap.cardinality() : h.held(peer, bitmap);
    }

    /** Records one more chunk; false if the peer never sent a bitmap for the file (then it is ignored). */
    boolean add(Hash fileId, NodeId peer, int index) {
        FileHolders h = byFile.get(fileId);
        if (h == null || !h.add(peer, index)) {
            return false;
        }
        holdsChanged.add(fileId);
        return true;
    }

    /** What {@code peer} holds of the file; a peer holding all of it shares the file's one full bitmap (never written). */
    Optional<ChunkBitmap> bitmap(Hash fileId, NodeId peer) {
        FileHolders h = byFile.get(fileId);
        return h == null ? Optional.empty() : Optional.ofNullable(h.bitmap(peer));
    }

    boolean knows(Hash fileId) {
        return byFile.containsKey(fileId);
    }

    int fileCount() {
        return byFile.size();
    }

    void forget(Hash fileId) {
        byFile.remove(fileId);
        restored.remove(fileId);
        holdsChanged.remove(fileId);
    }
}

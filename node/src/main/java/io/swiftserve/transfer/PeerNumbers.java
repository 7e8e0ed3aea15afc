package io.swiftserve.transfer;

import io.swiftserve.identity.NodeId;
import java.util.Arrays;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * A small number for every peer the swarm view has heard from, so that per-file state can be a bit
 * or an array slot per peer instead of a map entry. Numbers are never reused; peers are members,
 * a few hundred at most. Also the complete bitmaps of small chunk counts the view shares.
 */
final class PeerNumbers {
    private final Map<NodeId, Integer> numbers = new ConcurrentHashMap<>();
    private volatile NodeId[] peers = new NodeId[0];
    /**
     * One complete bitmap per chunk count, for every file and peer: a full bitmap is never written
     * (every bit is set), so one-chunk files need not keep one each.
     */
    private final Map<Integer, ChunkBitmap> fulls = new ConcurrentHashMap<>();

    int of(NodeId peer) {
        Integer n = numbers.get(peer);
        return n != null ? n : assign(peer);
    }

    /**
     * The shared complete bitmap of {@code complete}'s chunk count, for up to 64 chunks (a bitmap's
     * own cost is then mostly overhead; and a peer cannot make the view keep one of every count).
     */
    ChunkBitmap full(ChunkBitmap complete) {
        return complete.chunkCount() > 64 ? complete : fulls.computeIfAbsent(complete.chunkCount(), c -> complete);
    }

    /** The peer's number, or -1 if it has none yet. */
    int find(NodeId peer) {
        Integer n = numbers.get(peer);
        return n == null ? -1 : n;
    }

    NodeId peer(int n) {
        return peers[n];
    }

    int size() {
        return peers.length;
    }

    private synchronized int assign(NodeId peer) {
        Integer n = numbers.get(peer);
        if (n != null) {
            return n;
        }
        NodeId[] grown = Arrays.copyOf(peers, peers.length + 1);
        grown[peers.length] = peer;
        peers = grown; // published before the number, so a reader holding the number finds the peer
        numbers.put(peer, peers.length - 1);
        return peers.length - 1;
    }
}

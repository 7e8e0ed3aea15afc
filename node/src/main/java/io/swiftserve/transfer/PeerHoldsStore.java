package io.swiftserve.transfer;

import io.swiftserve.chain.Hash;
import io.swiftserve.identity.NodeId;
import io.swiftserve.store.KeyValueStore;
import io.swiftserve.store.Segment;
import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * How many chunks of each file every peer last said it held, in {@link Segment#PEER_HOLDS}: key =
 * file id (32 bytes) ++ node key (32 bytes), value = the count (4 bytes, big-endian). Only for
 * progress displays: after a restart, a member that is offline still shows what it last reported
 * instead of nothing. Piece selection never reads it; a peer's live bitmap always wins.
 */
final class PeerHoldsStore {
    private static final Logger log = LoggerFactory.getLogger(PeerHoldsStore.class);
    private static final int ID = 32;

    private final KeyValueStore store;

    PeerHoldsStore(KeyValueStore store) {
        this.store = store;
    }

    Map<NodeId, Integer> load(Hash fileId) {
        Map<NodeId, Integer> out = new HashMap<>();
        store.scan(Segment.PEER_HOLDS, fileId.bytes(), (key, value) -> {
            if (key.length != 2 * ID || value.length != Integer.BYTES) {
                log.warn("ignoring a malformed peer-holds entry of file {}", fileId.shortHex());
                return;
            }
            out.put(
                    NodeId.of(java.util.Arrays.copyOfRange(key, ID, 2 * ID)),
                    Math.max(0, ByteBuffer.wrap(value).getInt()));
        });
        return out;
    }

    /** Writes the given counts in one batch. */
    void save(Map<Hash, Map<NodeId, Integer>> holds) {
        if (holds.isEmpty()) {
            return;
        }
        KeyValueStore.Batch batch = store.batch();
        holds.forEach((fileId, peers) -> peers.forEach((peer, held) -> batch.put(
                Segment.PEER_HOLDS,
                key(fileId, peer),
                ByteBuffer.allocate(Integer.BYTES).putInt(held).array())));
        batch.commit();
    }

    /** Deletes every entry of the file. */
    void delete(Hash fileId) {
        List<byte[]> keys = new ArrayList<>();
        store.scan(Segment.PEER_HOLDS, fileId.bytes(), (key, value) -> keys.add(key));
        KeyValueStore.Batch batch = store.batch();
        keys.forEach(k -> batch.delete(Segment.PEER_HOLDS, k));
        batch.commit();
    }

    private static byte[] key(Hash fileId, NodeId peer) {
        return ByteBuffer.allocate(2 * ID).put(fileId.bytes()).put(peer.bytes()).array();
    }
}

package io.swiftserve.gossip;

import com.google.protobuf.ByteString;
import com.google.protobuf.InvalidProtocolBufferException;
import io.swiftserve.chain.Hash;
import io.swiftserve.identity.NodeId;
import io.swiftserve.identity.NodeKey;
import io.swiftserve.identity.Signatures;
import io.swiftserve.proto.PeerRecord;
import io.swiftserve.proto.SignedPeerRecord;
import io.swiftserve.store.KeyValueStore;
import io.swiftserve.store.Segment;
import java.time.Clock;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Where members can be reached: the newest signed peer record of each key, persisted in the PEERS
 * segment. A record is only taken if its owner signed it for this network and is a current member,
 * and the book holds at most {@link #MAX_RECORDS}: any key can sign a record, so without both a
 * session could fill every node's store with records of keys that will never connect.
 */
public final class AddressBook {
    public static final int MAX_ADDRESSES = 8;
    public static final int MAX_RECORDS = 10_000;

    private final KeyValueStore store;
    private final Hash networkId;
    private final java.util.function.Predicate<NodeId> isMember;
    private final int maxRecords;
    private final Map<NodeId, Entry> entries = new ConcurrentHashMap<>();

    record Entry(SignedPeerRecord signed, PeerRecord record) {}

    public AddressBook(KeyValueStore store, Hash networkId, java.util.function.Predicate<NodeId> isMember) {
        this(store, networkId, isMember, MAX_RECORDS);
    }

    AddressBook(KeyValueStore store, Hash networkId, java.util.function.Predicate<NodeId> isMember, int maxRecords) {
        this.store = store;
        this.networkId = networkId;
        this.isMember = isMember;
        this.maxRecords = maxRecords;
        store.scan(Segment.PEERS, new byte[0], (k, v) -> {
            try {
                accept(SignedPeerRecord.parseFrom(v), false);
            } catch (InvalidProtocolBufferException e) {
                // an unreadable entry is replaced by the next record of that peer
            }
        });
        retainMembers();
    }

    /** Forgets the records of keys that are no longer members, in memory and on disk. */
    public void retainMembers() {
        KeyValueStore.Batch batch = store.batch();
        int[] gone = {0};
        store.scan(Segment.PEERS, new byte[0], (k, v) -> {
            if (k.length != NodeId.LENGTH || !isMember.test(NodeId.of(k))) {
                batch.delete(Segment.PEERS, k);
                gone[0]++;
            }
        });
        entries.keySet().removeIf(id -> !isMember.test(id));
        if (gone[0] > 0) {
            batch.commit();
        }
    }

    /** Makes and stores this node's own record. */
    public SignedPeerRecord publishSelf(NodeKey key, List<String> addresses, Clock clock) {
        byte[] record = PeerRecord.newBuilder()
                .setNetworkId(ByteString.copyFrom(networkId.bytes()))
                .setNodeKey(ByteString.copyFrom(key.id().bytes()))
                .addAllAddresses(addresses)
                .setTimestampMs(clock.millis())
                .build()
                .toByteArray();
        SignedPeerRecord signed = SignedPeerRecord.newBuilder()
                .setRecord(ByteString.copyFrom(record))
                .setSignature(ByteString.copyFrom(key.sign(Signatures.Domain.PEER_RECORD, record)))
                .build();
        accept(signed, true, true);
        return signed;
    }

    /** Takes a record if valid and newer than the one held; true when it changed the book. */
    public boolean accept(SignedPeerRecord signed, boolean persist) {
        return accept(signed, persist, false);
    }

    private boolean accept(SignedPeerRecord signed, boolean persist, boolean own) {
        PeerRecord record;
        NodeId owner;
        try {
            record = PeerRecord.parseFrom(signed.getRecord());
            owner = NodeId.of(record.getNodeKey().toByteArray());
        } catch (InvalidProtocolBufferException | IllegalArgumentException e) {
            return false;
        }
        Entry held = entries.get(owner);
        if (held != null && held.record.getTimestampMs() >= record.getTimestampMs()) {
            // every peer list repeats records this node holds: no signature check for what cannot be news
            return false;
        }
        if (!record.getNetworkId().equals(ByteString.copyFrom(networkId.bytes()))
                || record.getAddressesCount() > MAX_ADDRESSES
                || !Signatures.verify(
                        owner,
                        Signatures.Domain.PEER_RECORD,
                        signed.getRecord().toByteArray(),
                        signed.getSignature().toByteArray())) {
            return false;
        }
        if (!own && !isMember.test(owner)) {
            return false;
        }
        Entry current = entries.get(owner);
        if (current != null && current.record.getTimestampMs() >= record.getTimestampMs()) {
            return false;
        }
        if (current == null && entries.size() >= maxRecords) {
            return false;
        }
        entries.put(owner, new Entry(signed, record));
        if (persist) {
            store.batch()
                    .put(Segment.PEERS, owner.bytes(), signed.toByteArray())
                    .commit();
        }
        return true;
    }

    public Optional<SignedPeerRecord> signed(NodeId id) {
        return Optional.ofNullable(entries.get(id)).map(Entry::signed);
    }

    public List<String> addresses(NodeId id) {
        Entry e = entries.get(id);
        return e == null ? List.of() : e.record.getAddressesList();
    }

    public List<NodeId> known() {
        return List.copyOf(entries.keySet());
    }

    /** Up to {@code max} random records, like a tracker's answer. */
    public List<SignedPeerRecord> sample(int max) {
        List<Entry> all = new ArrayList<>(entries.values());
        Collections.shuffle(all, io.swiftserve.util.Ambient.random());
        return all.stream().limit(max).map(Entry::signed).toList();
    }
}

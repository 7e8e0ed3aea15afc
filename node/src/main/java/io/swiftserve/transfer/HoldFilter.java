package io.swiftserve.transfer;

import io.swiftserve.chain.FileEntry;
import io.swiftserve.chain.Hash;
import io.swiftserve.chain.LedgerState;
import io.swiftserve.chain.Placement;
import io.swiftserve.identity.NodeId;
import io.swiftserve.store.Bytes;
import io.swiftserve.store.KeyValueStore;
import io.swiftserve.store.Segment;
import io.swiftserve.util.LogText;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Predicate;

/**
 * Which ledger versions this node holds: those the chain's {@link Placement} gives its key, plus
 * the versions a {@code get} asked for here (kept from then on, as a cache that also serves peers).
 * Without a key set (the simulation) every version, as before placement existed.
 */
final class HoldFilter {
    private static final org.slf4j.Logger log = org.slf4j.LoggerFactory.getLogger(TransferService.class);
    private static final String PINNED = "transfer/get/";

    private final KeyValueStore store;
    private final Set<Hash> pinned = ConcurrentHashMap.newKeySet();
    private volatile NodeId self;
    /**
     * Answers for the placement last read, by file id (a version's target never changes): the
     * 10-second reconcile then hashes nothing unless members or labels changed.
     */
    private volatile Memo memo = new Memo(null);

    /** One placement's answers: a new one replaces the whole, so answers of two placements never mix. */
    private record Memo(Placement placement, java.util.Map<Hash, Boolean> answers) {
        Memo(Placement placement) {
            this(placement, new ConcurrentHashMap<>());
        }
    }

    HoldFilter(KeyValueStore store) {
        this.store = store;
        byte[] prefix = PINNED.getBytes(java.nio.charset.StandardCharsets.US_ASCII);
        store.scan(
                Segment.META,
                prefix,
                (k, v) -> pinned.add(Hash.of(java.util.Arrays.copyOfRange(k, prefix.length, k.length))));
    }

    void self(NodeId id) {
        self = id;
    }

    /** Whether this node holds version {@code fileId} of the ledger {@code state}, read once for many versions. */
    Predicate<FileEntry> on(LedgerState state) {
        NodeId me = self;
        if (me == null || state.targets().isEmpty()) {
            return f -> true;
        }
        Placement placement = Placement.of(state);
        Memo m = memo;
        if (!placement.sameMembersAs(m.placement())) {
            m = new Memo(placement);
            memo = m;
        }
        java.util.Map<Hash, Boolean> answers = m.answers();
        return f -> pinned.contains(f.fileId()) || answers.computeIfAbsent(f.fileId(), id -> placement.mustHold(f, me));
    }

    /** Keeps version {@code fileId} here whatever its placement says: {@code get} asked for it. */
    void pin(Hash fileId) {
        if (pinned.add(fileId)) {
            store.batch()
                    .put(Segment.META, Bytes.prefixed(PINNED, fileId.bytes()), new byte[0])
                    .commit();
        }
    }

    boolean pinned(Hash fileId) {
        return pinned.contains(fileId);
    }

    /** Version {@code f} is placed on other members: a copy of its path in the share directory moves to the versions store. */
    void release(FileEntry f, LocalFiles local, Versions versions) throws java.io.IOException {
        if (local.version(f.path()).isPresent()) {
            java.nio.file.Path kept = local.remove(f.path(), versions);
            log.info(
                    "{} v{} is placed on other members: not held here{}",
                    LogText.escape(f.path()),
                    f.version(),
                    kept == null ? "" : "; this node's copy moved to " + LogText.escape(kept.toString()));
        }
    }

    /** Forgets the pins of versions no longer in the ledger. */
    void retain(Set<Hash> ledger) {
        memo.answers().keySet().retainAll(ledger);
        for (Hash h : Set.copyOf(pinned)) {
            if (!ledger.contains(h)) {
                pinned.remove(h);
                store.batch()
                        .delete(Segment.META, Bytes.prefixed(PINNED, h.bytes()))
                        .commit();
            }
        }
    }
}

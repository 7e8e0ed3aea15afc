package io.swiftserve.chain;

import io.swiftserve.identity.NodeId;
import io.swiftserve.proto.SignedTransaction;
import io.swiftserve.store.Bytes;
import io.swiftserve.store.KeyValueStore;
import io.swiftserve.store.Segment;
import io.swiftserve.util.LogText;
import java.time.Clock;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Transactions waiting to be sealed, persisted so that a restart loses none. Transactions of blocks
 * dropped by a reorg come back here; those that the new chain already holds are discarded. A
 * transaction is local (sealed here at once) only on the node that originated it, or, back from a
 * reorg, on the node that sealed the dropped block: every other node waits its {@link SealTurn}.
 */
public final class TransactionPool implements Blockchain.ChainListener {
    private static final Logger log = LoggerFactory.getLogger(TransactionPool.class);

    /** A stored entry's key: seq (8) ++ transaction id (32) ++ local flag (1). */
    private static final int KEY_BYTES = 41;

    private final KeyValueStore store;
    private final Blockchain chain;
    private final Clock clock;
    private final NodeId self;
    private final Map<Hash, Entry> pending = new LinkedHashMap<>();
    /** Why recently dropped transactions no longer applied, for whoever waits on one; the oldest are forgotten. */
    private final Map<Hash, String> dropReasons = new LinkedHashMap<>() {
        @Override
        protected boolean removeEldestEntry(Map.Entry<Hash, String> eldest) {
            return size() > 256;
        }
    };

    /**
     * {@code local}: originated on this node, so this node seals it without waiting; otherwise after
     * the grace period plus {@code turnSlots} slots ({@link SealTurn}). {@code seq} is the arrival
     * order, part of the stored key so a restart keeps dependent transactions in order.
     */
    private record Entry(Transaction tx, boolean local, long arrivedMs, long seq, int turnSlots) {}

    private long nextSeq;

    public enum AddResult {
        ADDED,
        KNOWN,
        INVALID
    }

    public TransactionPool(KeyValueStore store, Blockchain chain, Clock clock, NodeId self) {
        this.store = store;
        this.chain = chain;
        this.clock = clock;
        this.self = self;
        store.scan(Segment.POOL, new byte[0], (k, v) -> {
            try {
                Transaction tx = Transaction.fromProto(SignedTransaction.parseFrom(v));
                long seq = Bytes.toLong(java.util.Arrays.copyOf(k, 8));
                nextSeq = Math.max(nextSeq, seq + 1);
                // keys written before the local flag existed (40 bytes) were all sealed as local
                boolean local = k.length == KEY_BYTES - 1 || k[KEY_BYTES - 1] == 1;
                pending.put(tx.id(), entry(tx, local, seq));
            } catch (Exception e) {
                log.warn("discarding unreadable pooled transaction: {}", LogText.escape(e.getMessage()));
            }
        });
        chain.addListener(this);
    }

    /** Adds a transaction after checking it against the head state; the reason is in the exception. */
    public synchronized AddResult add(Transaction tx, boolean local) throws InvalidException {
        if (pending.containsKey(tx.id()) || chain.state().includes(tx.id())) {
            return AddResult.KNOWN;
        }
        LedgerState trial = new LedgerState(new StateOverlay(chain.stateSource()));
        Block head = chain.head();
        TransactionRules.apply(
                tx,
                trial,
                new BlockContext(
                        chain.networkId(),
                        head.height() + 1,
                        Math.max(clock.millis(), head.header().timestampMs()),
                        0));
        put(tx, local);
        return AddResult.ADDED;
    }

    public synchronized int size() {
        return pending.size();
    }

    public synchronized boolean contains(Hash id) {
        return pending.containsKey(id);
    }

    /**
     * File versions (file id = transaction id -> path) whose FileAdd waits here, typically sent back
     * by a reorg: their data must survive until they are sealed again or definitively refused.
     */
    public synchronized Map<Hash, String> pendingFileAdds() {
        Map<Hash, String> out = new java.util.HashMap<>();
        for (Entry e : pending.values()) {
            if (e.tx.kind() == io.swiftserve.proto.TransactionBody.KindCase.FILE_ADD) {
                out.put(e.tx.id(), e.tx.body().getFileAdd().getPath());
            }
        }
        return out;
    }

    /** Why the pool dropped this transaction when it last tried to seal it, if it did so recently. */
    public synchronized java.util.Optional<String> dropReason(Hash id) {
        return java.util.Optional.ofNullable(dropReasons.get(id));
    }

    /**
     * True when something should be sealed now: a local transaction, or a relayed one whose origin did
     * not seal it within {@code graceMs}, once this node's turn ({@link SealTurn}, {@code slotMs} per
     * step) has come.
     */
    public synchronized boolean sealable(long graceMs, long slotMs) {
        long now = clock.millis();
        return pending.values().stream()
                .anyMatch(e -> e.local
                        || (e.turnSlots != Integer.MAX_VALUE && now - e.arrivedMs >= graceMs + e.turnSlots * slotMs));
    }

    /**
     * Picks the pending transactions that apply, in arrival order, on top of the head; those that can
     * no longer apply (an invite used meanwhile, a stale version) are dropped with a log line.
     */
    public synchronized List<Transaction> selectForBlock(long timestampMs, int maxBytes) {
        Block head = chain.head();
        LedgerState state = new LedgerState(new StateOverlay(chain.stateSource()));
        List<Transaction> out = new ArrayList<>();
        List<Hash> stale = new ArrayList<>();
        long bytes = 0;
        for (Entry e : pending.values()) {
            if (bytes + e.tx.encodedSize() > maxBytes) {
                break;
            }
            StateOverlay trial = new StateOverlay(state.overlay());
            try {
                TransactionRules.apply(
                        e.tx,
                        new LedgerState(trial),
                        new BlockContext(chain.networkId(), head.height() + 1, timestampMs, out.size()));
            } catch (InvalidException ex) {
                log.warn("dropping transaction {}: {}", e.tx, LogText.escape(ex.getMessage()));
                stale.add(e.tx.id());
                dropReasons.put(e.tx.id(), ex.getMessage());
                continue;
            }
            state.overlay().absorb(trial);
            out.add(e.tx);
            bytes += e.tx.encodedSize();
        }
        stale.forEach(this::remove);
        return out;
    }

    @Override
    public synchronized void headChanged(List<Block> removed, List<Block> added) {
        for (Block b : added) {
            b.transactions().forEach(tx -> remove(tx.id()));
        }
        LedgerState state = chain.state();
        for (Block b : removed) {
            for (Transaction tx : b.transactions()) {
                if (!state.includes(tx.id()) && tx.kind() != io.swiftserve.proto.TransactionBody.KindCase.GENESIS) {
                    boolean local =
                            tx.signer().equals(self) || b.header().sealer().equals(self);
                    log.info(
                            "transaction {} returns to the pool after reorg{}",
                            tx,
                            local ? "" : ", sealed here only in turn");
                    put(tx, local);
                }
            }
        }
    }

    private void put(Transaction tx, boolean local) {
        Entry e = entry(tx, local, nextSeq++);
        pending.put(tx.id(), e);
        store.batch().put(Segment.POOL, key(e), tx.toProto().toByteArray()).commit();
    }

    private void remove(Hash id) {
        Entry e = pending.remove(id);
        if (e != null) {
            store.batch().delete(Segment.POOL, key(e)).commit();
        }
    }

    private Entry entry(Transaction tx, boolean local, long seq) {
        int slots = 0;
        if (!local) {
            List<NodeId> members =
                    chain.state().members().stream().map(Member::id).toList();
            long delay = SealTurn.delayMs(tx.id(), self, members, 0, 1);
            slots = delay == Long.MAX_VALUE ? Integer.MAX_VALUE : (int) delay;
        }
        return new Entry(tx, local, clock.millis(), seq, slots);
    }

    private static byte[] key(Entry e) {
        return Bytes.concat(
                Bytes.concat(Bytes.longKey(e.seq), e.tx.id().bytes()), new byte[] {(byte) (e.local ? 1 : 0)});
    }
}

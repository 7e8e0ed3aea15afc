package io.swiftserve.daemon;

import io.swiftserve.chain.Blockchain;
import io.swiftserve.chain.FileEntry;
import io.swiftserve.chain.Hash;
import io.swiftserve.chain.HeldSet;
import io.swiftserve.chain.LedgerState;
import io.swiftserve.chain.Transaction;
import io.swiftserve.chain.TransactionRules;
import io.swiftserve.chain.Transactions;
import io.swiftserve.gossip.ChainGossip;
import io.swiftserve.identity.NodeId;
import io.swiftserve.transfer.TransferService;
import java.time.Clock;
import java.time.Duration;
import java.util.BitSet;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Puts this member's signed record of what it holds on the chain (delivery records): when what it
 * holds has changed and then stayed the same for one check (a download in progress is not
 * recorded half-way), or every {@link #REFRESH} when nothing changed, and never sooner than the
 * chain's hour after its last record. That bounds the chain's growth by one record an hour a
 * member, a few hundred bytes each for any number of files it holds in a few runs.
 */
public final class HoldingsReporter {
    private static final Logger log = LoggerFactory.getLogger(HoldingsReporter.class);
    static final Duration CHECK = Duration.ofMinutes(1);
    static final Duration REFRESH = Duration.ofHours(6);

    private final Blockchain chain;
    private final TransferService transfer;
    private final ChainGossip gossip;
    private final Transactions transactions;
    private final NodeId self;
    private final Clock clock;
    private final ScheduledExecutorService timer;
    /** What the last check saw, and whether it was recorded; touched on the timer thread only. */
    private Seen lastSeen;

    private Seen recorded;
    /** The record on its way to a block; cleared when the pool refuses it or after {@link #PENDING_LIMIT}. */
    private volatile Hash pending;

    private long pendingSinceMs;
    static final Duration PENDING_LIMIT = Duration.ofMinutes(10);

    private record Seen(Hash filesHash, List<Integer> runs) {}

    HoldingsReporter(
            Blockchain chain,
            TransferService transfer,
            ChainGossip gossip,
            Transactions transactions,
            NodeId self,
            Clock clock,
            ScheduledExecutorService timer) {
        this.timer = timer;
        this.chain = chain;
        this.transfer = transfer;
        this.gossip = gossip;
        this.transactions = transactions;
        this.self = self;
        this.clock = clock;
    }

    void start() {
        timer.scheduleWithFixedDelay(
                () -> {
                    try {
                        check();
                    } catch (RuntimeException e) {
                        log.warn("recording this node's holdings failed: {}", e.toString());
                    }
                },
                CHECK.toMillis(),
                CHECK.toMillis(),
                TimeUnit.MILLISECONDS);
    }

    /** One check now, on the timer thread: the record it submitted, if it submitted one. */
    public CompletableFuture<Optional<Transaction>> checkNow() {
        return CompletableFuture.supplyAsync(this::check, timer);
    }

    private Optional<Transaction> check() {
        // the head and the file set of one and the same ledger state: the record names both
        record Snapshot(io.swiftserve.chain.Block head, LedgerState state, List<FileEntry> files) {}
        Snapshot snap = chain.consistently(
                () -> new Snapshot(chain.head(), chain.state(), chain.state().files()));
        var head = snap.head();
        LedgerState state = snap.state();
        if (!state.isMember(self)) {
            return Optional.empty();
        }
        Hash waiting = pending;
        if (waiting != null && !state.includes(waiting) && clock.millis() - pendingSinceMs < PENDING_LIMIT.toMillis()) {
            return Optional.empty(); // the last one is still on its way to a block
        }
        pending = null;
        List<FileEntry> files = snap.files();
        BitSet held = new BitSet(files.size());
        for (int i = 0; i < files.size(); i++) {
            held.set(i, transfer.holds(files.get(i).fileId()));
        }
        HeldSet set = HeldSet.of(held, files.size());
        List<Integer> runs = set.runs();
        if (runs.size() > HeldSet.MAX_RUNS) {
            // only the first versions, in path order: the record says nothing of the rest
            runs = runs.subList(0, HeldSet.MAX_RUNS);
        }
        Seen now = new Seen(HeldSet.filesHash(files), List.copyOf(runs));
        boolean settled = now.equals(lastSeen);
        lastSeen = now;
        Optional<Long> last = state.lastHoldingsMs(self);
        long since = last.map(ms -> clock.millis() - ms).orElse(Long.MAX_VALUE);
        boolean due = settled && (since >= REFRESH.toMillis() || !now.equals(recorded));
        if (!due || since < TransactionRules.HOLDINGS_SPACING_MS) {
            return Optional.empty();
        }
        HeldSet toRecord = runs.size() < set.runs().size() ? truncated(runs) : set;
        Transaction tx = transactions.holdings(head.hash(), head.height(), now.filesHash(), toRecord);
        pending = tx.id();
        pendingSinceMs = clock.millis();
        recorded = now;
        gossip.submit(tx).whenComplete((t, e) -> {
            if (e != null) {
                log.warn("this node's holdings record was refused: {}", e.getMessage());
                pending = null;
            }
        });
        log.info(
                "recording this node's holdings: {} of {} versions at height {}",
                set.heldCount(),
                files.size(),
                head.height());
        return Optional.of(tx);
    }

    private static HeldSet truncated(List<Integer> runs) {
        try {
            return HeldSet.fromRuns(runs);
        } catch (io.swiftserve.chain.InvalidException e) {
            throw new IllegalStateException("runs were cut to the limit", e);
        }
    }
}

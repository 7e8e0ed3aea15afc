package io.swiftserve.gossip;

import com.google.protobuf.ByteString;
import io.swiftserve.chain.Block;
import io.swiftserve.chain.BlockSealer;
import io.swiftserve.chain.Blockchain;
import io.swiftserve.chain.Hash;
import io.swiftserve.chain.ImportResult;
import io.swiftserve.chain.InvalidException;
import io.swiftserve.chain.Transaction;
import io.swiftserve.chain.TransactionPool;
import io.swiftserve.net.MessageRouter;
import io.swiftserve.net.PeerNetwork;
import io.swiftserve.net.PeerSession;
import io.swiftserve.proto.ChainStatus;
import io.swiftserve.proto.Envelope;
import io.swiftserve.proto.NewTransaction;
import io.swiftserve.util.LogText;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Spreads transactions and blocks, and keeps this node on the best chain: new blocks by
 * announcement ({@link BlockRelay}), catching up from a peer that is ahead with block-locator
 * requests in batches. All chain work runs on one
 * thread ({@code chainThread}), so the network threads never wait on validation.
 */
public final class ChainGossip {
    private static final Logger log = LoggerFactory.getLogger(ChainGossip.class);
    /** A transaction relayed from elsewhere is sealed here only if its origin did not within this time. */
    static final long REMOTE_GRACE_MS = 3_000;
    /** One step of the members' turns at sealing a relayed transaction (chain.SealTurn): the seal timer's period. */
    static final long SEAL_SLOT_MS = 1_000;

    static final long LOCAL_BATCH_MS = 15;
    /** How long a submitter waits for its transaction to be sealed ({@link #whenSealed}). */
    public static final Duration SEAL_WAIT = Duration.ofSeconds(10);

    private final Blockchain chain;
    private final TransactionPool pool;
    private final BlockSealer sealer;
    private final ScheduledExecutorService chainThread;
    private final PeerNetwork network;
    /** Local transactions someone waits to see sealed; settled on the chain thread, where every block is imported. */
    private final Map<Hash, CompletableFuture<Long>> awaitingSeal = new ConcurrentHashMap<>();

    private final BlockRelay relay;
    private final ChainSync sync;

    public ChainGossip(
            Blockchain chain,
            TransactionPool pool,
            BlockSealer sealer,
            ScheduledExecutorService chainThread,
            PeerNetwork network) {
        this.chain = chain;
        this.pool = pool;
        this.sealer = sealer;
        this.chainThread = chainThread;
        this.network = network;
        this.sync = new ChainSync(chain, this::importBlock);
        this.relay = new BlockRelay(chain, network, this::importBlock, sync::syncFrom);
        // The pool took the chain in its constructor and registered first, so when this listener runs
        // a transaction of a dropped block is already back in the pool.
        chain.addListener((removed, added) -> settleAwaitingSeal());
    }

    public void register(MessageRouter router) {
        router.on(
                        Envelope.BodyCase.CHAIN_STATUS,
                        (from, m) -> chainThread.execute(() -> sync.onStatus(from, m.getChainStatus())))
                .on(
                        Envelope.BodyCase.GET_BLOCKS,
                        (from, m) -> chainThread.execute(() -> sync.onGetBlocks(from, m.getGetBlocks())))
                .on(
                        Envelope.BodyCase.BLOCKS,
                        (from, m) -> chainThread.execute(() -> sync.onBlocks(from, m.getBlocks())))
                .on(
                        Envelope.BodyCase.NEW_BLOCK,
                        (from, m) -> chainThread.execute(() -> relay.onNewBlock(from, m.getNewBlock())))
                .on(
                        Envelope.BodyCase.BLOCK_INV,
                        (from, m) -> chainThread.execute(() -> relay.onInv(from, m.getBlockInv())))
                .on(
                        Envelope.BodyCase.GET_BLOCK_DATA,
                        (from, m) -> chainThread.execute(() -> relay.onGetBlockData(from, m.getGetBlockData())))
                .on(
                        Envelope.BodyCase.NEW_TRANSACTION,
                        (from, m) -> chainThread.execute(() -> onTransaction(from, m.getNewTransaction())));
    }

    public void start() {
        chainThread.scheduleWithFixedDelay(this::sealIfDue, SEAL_SLOT_MS, SEAL_SLOT_MS, TimeUnit.MILLISECONDS);
    }

    public void sessionUp(PeerSession session) {
        chainThread.execute(() -> session.send(status()));
    }

    /** Submits a local transaction: pooled, gossiped, and sealed here shortly. */
    public CompletableFuture<Transaction> submit(Transaction tx) {
        return CompletableFuture.supplyAsync(
                () -> {
                    try {
                        pool.add(tx, true);
                    } catch (InvalidException e) {
                        throw new IllegalArgumentException(e.getMessage());
                    }
                    network.broadcast(
                            Envelope.newBuilder()
                                    .setNewTransaction(
                                            NewTransaction.newBuilder().setTransaction(tx.toProto()))
                                    .build(),
                            null);
                    chainThread.schedule(this::sealIfDue, LOCAL_BATCH_MS, TimeUnit.MILLISECONDS);
                    return tx;
                },
                chainThread);
    }

    /** Seals now, on the chain thread; returns the block if one was made. */
    public CompletableFuture<java.util.Optional<Block>> sealNow() {
        return CompletableFuture.supplyAsync(this::seal, chainThread);
    }

    /**
     * Completes with the height of the block that holds the transaction once it is on this node's main
     * chain. Looking once after {@link #sealNow} is not enough: a peer's block at the same height can
     * win the fork choice and send the transaction back to the pool, and the seal timer then seals it
     * again. Fails when the transaction is on neither the chain nor in the pool (it no longer applies;
     * the pool's reason is in the message), or after {@code limit}.
     */
    public CompletableFuture<Long> whenSealed(Hash txId, Duration limit) {
        CompletableFuture<Long> sealed = awaitingSeal.computeIfAbsent(txId, id -> new CompletableFuture<>());
        sealed.whenComplete((h, e) -> awaitingSeal.remove(txId, sealed));
        try {
            chainThread.execute(this::settleAwaitingSeal);
            chainThread.schedule(
                    () -> sealed.completeExceptionally(new IllegalStateException(
                            "transaction " + txId.shortHex() + " was not sealed within " + limit.toSeconds() + " s")),
                    limit.toMillis(),
                    TimeUnit.MILLISECONDS);
        } catch (java.util.concurrent.RejectedExecutionException e) {
            sealed.completeExceptionally(new IllegalStateException("the node is stopping"));
        }
        return sealed;
    }

    private void settleAwaitingSeal() {
        if (awaitingSeal.isEmpty()) {
            return;
        }
        io.swiftserve.chain.LedgerState state = chain.state();
        awaitingSeal.forEach((id, waiter) -> {
            if (state.includes(id)) {
                waiter.complete(heightHolding(id));
            } else if (!pool.contains(id)) {
                waiter.completeExceptionally(new IllegalStateException("transaction " + id.shortHex() + " was dropped: "
                        + pool.dropReason(id).orElse("it no longer applies")));
            }
        });
    }

    private long heightHolding(Hash txId) {
        for (long h = chain.height(); h > 0; h--) {
            java.util.Optional<Block> b = chain.blockAt(h);
            if (b.isPresent() && b.get().transactions().stream().anyMatch(t -> t.id().equals(txId))) {
                return h;
            }
        }
        return chain.height();
    }

    private void sealIfDue() {
        if (pool.sealable(REMOTE_GRACE_MS, SEAL_SLOT_MS)) {
            seal();
        }
    }

    private java.util.Optional<Block> seal() {
        java.util.Optional<Block> block;
        try {
            block = sealer.sealNow();
        } catch (RuntimeException e) {
            log.error("sealing failed", e);
            return java.util.Optional.empty();
        }
        block.ifPresent(b -> {
            log.info("block sealed: {}: {}", b, LogText.escape(summaries(b)));
            relay.pushSealed(b);
        });
        // sealing drops pooled transactions that no longer apply, without a new head to tell the waiters
        settleAwaitingSeal();
        return block;
    }

    /** What a block does, in a line: "add data/x.bin v1 (12 bytes), 3f2a1b4c5d6e joined, and 7 more". */
    private static String summaries(Block b) {
        List<Transaction> txs = b.transactions();
        String shown =
                txs.stream().limit(3).map(Transaction::summary).collect(java.util.stream.Collectors.joining(", "));
        return txs.size() > 3 ? shown + ", and " + (txs.size() - 3) + " more" : shown;
    }

    private Envelope status() {
        Block head = chain.head();
        return Envelope.newBuilder()
                .setChainStatus(ChainStatus.newBuilder()
                        .setHeight(head.height())
                        .setHeadHash(ByteString.copyFrom(head.hash().bytes())))
                .build();
    }

    private ImportResult importBlock(PeerSession from, io.swiftserve.proto.Block proto) {
        Block block;
        try {
            block = Block.fromProto(proto);
        } catch (InvalidException e) {
            log.warn("block rejected from {}: {}", from.peer().shortId(), LogText.escape(e.getMessage()));
            return null;
        }
        ImportResult r = chain.importBlock(block);
        switch (r.status()) {
            case EXTENDED ->
                log.info("block accepted: {} from {}", block, from.peer().shortId());
            case REORGED ->
                log.info(
                        "chain reorganised to {}: {} blocks dropped, {} added",
                        block,
                        r.removed().size(),
                        r.added().size());
            case INVALID ->
                log.warn("block rejected: {} from {}: {}", block, from.peer().shortId(), LogText.escape(r.reason()));
            case SIDE_BRANCH -> {
                if (!r.reason().isEmpty()) {
                    log.warn(
                            "branch of {} from {} not adopted: {}",
                            block,
                            from.peer().shortId(),
                            r.reason());
                    resendRevokes(from, r.removed());
                }
            }
            default -> {}
        }
        return r;
    }

    /**
     * A peer that offered a branch undoing a revoke may simply never have seen the revoke (it was
     * cut off when it spread): hand it over, so it seals it on its branch and both sides converge.
     */
    private void resendRevokes(PeerSession to, List<Block> mainChainBlocks) {
        mainChainBlocks.stream()
                .flatMap(b -> b.transactions().stream())
                .filter(tx -> tx.kind() == io.swiftserve.proto.TransactionBody.KindCase.REVOKE)
                .forEach(tx -> to.send(Envelope.newBuilder()
                        .setNewTransaction(NewTransaction.newBuilder().setTransaction(tx.toProto()))
                        .build()));
    }

    private void onTransaction(PeerSession from, NewTransaction msg) {
        try {
            Transaction tx = Transaction.fromProto(msg.getTransaction());
            if (pool.add(tx, false) == io.swiftserve.chain.TransactionPool.AddResult.ADDED) {
                network.broadcast(Envelope.newBuilder().setNewTransaction(msg).build(), from);
            }
        } catch (InvalidException e) {
            log.debug("transaction from {} refused: {}", from.peer().shortId(), LogText.escape(e.getMessage()));
        }
    }
}

package io.swiftserve.chain;

import io.swiftserve.chain.rules.RuleContext;
import io.swiftserve.store.Bytes;
import io.swiftserve.store.KeyValueStore;
import io.swiftserve.store.Segment;
import io.swiftserve.store.StoreException;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CopyOnWriteArrayList;

/**
 * The chain as stored: every known block by hash, the main chain by height, the state after the
 * head, and per-block undo records. Fork choice: the valid chain with most blocks wins; ties go to
 * the smaller head hash. Every change of the main chain, reorgs included, is one atomic batch.
 */
public final class Blockchain {
    private static final byte[] HEAD = "head".getBytes(StandardCharsets.US_ASCII);
    private static final byte[] FORMAT_KEY = "chain-format".getBytes(StandardCharsets.US_ASCII);
    /**
     * The chain's storage and transaction format. 2: a FileAdd names its manifest by hash; chunk
     * hashes are off the chain. A store of another format is refused at open, not misread.
     */
    public static final int FORMAT = 2;

    private final KeyValueStore store;
    private final StoreStateSource stateSource;
    private final BlockValidator validator;
    private final Block genesis;
    private final List<ChainListener> listeners = new CopyOnWriteArrayList<>();
    private final SideBranches side;
    private volatile Block head;

    private Blockchain(KeyValueStore store, Block genesis, Block head, Clock clock) {
        this.store = store;
        this.stateSource = new StoreStateSource(store);
        this.genesis = genesis;
        this.head = head;
        this.validator = new BlockValidator(RuleContext.of(genesis.hash(), clock));
        this.side = new SideBranches(store);
    }

    /** Caps the bytes of side-branch blocks stored together (default {@link SideBranches#DEFAULT_CAP}). */
    void sideBranchCap(long bytes) {
        side.cap(bytes);
    }

    /** Bytes of the blocks stored off the main chain. */
    public long sideBranchBytes() {
        return side.bytes();
    }

    /** Main-chain changes, called under the chain's lock right after the batch is committed. */
    public interface ChainListener {
        void headChanged(List<Block> removed, List<Block> added);
    }

    /** Opens the chain in {@code store}, writing {@code genesis} first if the store is empty. */
    public static Blockchain initialize(KeyValueStore store, Block genesis, Clock clock) throws InvalidException {
        Optional<Blockchain> existing = open(store, clock);
        if (existing.isPresent()) {
            InvalidException.check(
                    existing.get().networkId().equals(genesis.hash()),
                    "this data dir already belongs to network " + existing.get().networkId());
            return existing.get();
        }
        StateOverlay state = BlockValidator.validateGenesis(genesis, new StoreStateSource(store));
        KeyValueStore.Batch batch = store.batch();
        writeBlock(batch, genesis, state);
        batch.put(Segment.META, HEAD, genesis.hash().bytes())
                .put(Segment.META, FORMAT_KEY, Bytes.longKey(FORMAT))
                .commit();
        return new Blockchain(store, genesis, genesis, clock);
    }

    /** Opens an existing chain, or empty when the store has none. */
    public static Optional<Blockchain> open(KeyValueStore store, Clock clock) {
        Optional<byte[]> headHash = store.get(Segment.META, HEAD);
        if (headHash.isEmpty()) {
            return Optional.empty();
        }
        long format = store.get(Segment.META, FORMAT_KEY).map(Bytes::toLong).orElse(1L);
        if (format != FORMAT) {
            throw new StoreException(
                    "this data dir holds a chain of format " + format + "; this swiftserve reads format " + FORMAT
                            + " only (0.x: no upgrade path): found a new network with 'swiftserve init', or join one, in a new data dir",
                    null);
        }
        Block head = load(store, Hash.of(headHash.get()));
        Block genesis =
                load(store, Hash.of(store.get(Segment.HEIGHTS, Bytes.longKey(0)).orElseThrow()));
        return Optional.of(new Blockchain(store, genesis, head, clock));
    }

    public void addListener(ChainListener listener) {
        listeners.add(listener);
    }

    public Hash networkId() {
        return genesis.hash();
    }

    public Block genesis() {
        return genesis;
    }

    public Block head() {
        return head;
    }

    public long height() {
        return head.height();
    }

    public RuleContext ruleContext() {
        return validator.context();
    }

    /** The committed state after the head. */
    public LedgerState state() {
        return new LedgerState(stateSource);
    }

    StateSource stateSource() {
        return stateSource;
    }

    public Optional<Block> block(Hash hash) {
        return store.get(Segment.BLOCKS, hash.bytes()).map(Blockchain::parseStored);
    }

    public boolean contains(Hash hash) {
        return store.get(Segment.BLOCKS, hash.bytes()).isPresent();
    }

    public Optional<Block> blockAt(long height) {
        return store.get(Segment.HEIGHTS, Bytes.longKey(height)).flatMap(h -> block(Hash.of(h)));
    }

    public boolean onMainChain(Block block) {
        return store.get(Segment.HEIGHTS, Bytes.longKey(block.height()))
                .map(h -> Hash.of(h).equals(block.hash()))
                .orElse(false);
    }

    /** Main-chain hashes, newest first, at exponentially growing distance from the head; genesis last. */
    public List<Hash> locator() {
        List<Hash> out = new ArrayList<>();
        long step = 1;
        for (long h = head.height(); h > 0; h -= step) {
            blockAt(h).ifPresent(b -> out.add(b.hash()));
            if (out.size() > 8) {
                step *= 2;
            }
        }
        out.add(genesis.hash());
        return out;
    }

    /** Main-chain blocks after the highest locator hash we have on our main chain. */
    public List<Block> blocksAfter(List<Hash> locator, int maxBlocks, long maxBytes) {
        long from = 0;
        for (Hash h : locator) {
            Optional<Block> b = block(h);
            if (b.isPresent() && onMainChain(b.get())) {
                from = b.get().height() + 1;
                break;
            }
        }
        List<Block> out = new ArrayList<>();
        long bytes = 0;
        for (long h = from; h <= head.height() && out.size() < maxBlocks; h++) {
            Block b = blockAt(h).orElseThrow();
            bytes += b.toProto().getSerializedSize();
            if (bytes > maxBytes && !out.isEmpty()) {
                break;
            }
            out.add(b);
        }
        return out;
    }

    /**
     * Runs {@code read} under the lock every import holds while it commits and calls its listeners,
     * so what it reads of the state and of what the listeners keep (the pool) belongs to one head. A
     * reorg commits the new state before the pool takes back the dropped transactions: read apart,
     * a FileAdd could be seen in neither.
     */
    public synchronized <T> T consistently(java.util.function.Supplier<T> read) {
        return read.get();
    }

    /** Validates and stores a block, switching the main chain when its branch wins fork choice. */
    public synchronized ImportResult importBlock(Block block) {
        if (contains(block.hash())) {
            return ImportResult.of(ImportResult.Status.KNOWN);
        }
        try {
            validator.checkStateless(block);
        } catch (InvalidException e) {
            return ImportResult.invalid(e.getMessage());
        }
        Optional<Block> parent = block(block.parentHash());
        if (parent.isEmpty()) {
            return ImportResult.of(ImportResult.Status.ORPHAN);
        }
        if (block.height() != parent.get().height() + 1) {
            return ImportResult.invalid("height " + block.height() + " does not follow parent height "
                    + parent.get().height());
        }
        if (parent.get().hash().equals(head.hash())) {
            return extend(block);
        }
        byte[] bytes = block.toProto().toByteArray();
        Optional<String> refused = side.refusal(block, bytes.length, state(), this::block, this::onMainChain);
        if (refused.isPresent()) {
            return ImportResult.invalid(refused.get());
        }
        KeyValueStore.Batch stored =
                store.batch().put(Segment.BLOCKS, block.hash().bytes(), bytes);
        side.off(stored, block, bytes.length);
        stored.commit();
        if (!better(block, head)) {
            return ImportResult.of(ImportResult.Status.SIDE_BRANCH);
        }
        return reorg(block);
    }

    private ImportResult extend(Block block) {
        StateOverlay state;
        try {
            state = validator.validate(block, head, stateSource);
        } catch (InvalidException e) {
            return ImportResult.invalid(e.getMessage());
        }
        KeyValueStore.Batch batch = store.batch();
        writeBlock(batch, block, state);
        batch.put(Segment.META, HEAD, block.hash().bytes()).commit();
        head = block;
        List<Block> added = List.of(block);
        listeners.forEach(l -> l.headChanged(List.of(), added));
        return new ImportResult(ImportResult.Status.EXTENDED, "", List.of(), added);
    }

    private ImportResult reorg(Block tip) {
        List<Block> branch = new ArrayList<>();
        Block cursor = tip;
        while (!onMainChain(cursor)) {
            branch.add(cursor);
            cursor = block(cursor.parentHash()).orElseThrow();
        }
        Collections.reverse(branch);
        Block ancestor = cursor;
        List<Block> dropped = new ArrayList<>();
        for (long h = head.height(); h > ancestor.height(); h--) {
            dropped.add(blockAt(h).orElseThrow());
        }
        StateOverlay state = new StateOverlay(stateSource);
        for (Block old : dropped) {
            state.revert(
                    UndoCodec.decode(store.get(Segment.UNDO, old.hash().bytes()).orElseThrow()));
        }
        // validate the whole branch before a batch exists: a refused branch leaves nothing to discard
        List<byte[]> undos = new ArrayList<>();
        Block parent = ancestor;
        for (Block b : branch) {
            StateOverlay blockState;
            try {
                blockState = validator.validate(b, parent, state);
            } catch (InvalidException e) {
                forget(branch.subList(branch.indexOf(b), branch.size()));
                return ImportResult.invalid("branch block " + b + ": " + e.getMessage());
            }
            undos.add(UndoCodec.encode(blockState.undo()));
            state.absorb(blockState);
            parent = b;
        }
        Optional<String> undoesRevoke = RevocationGuard.check(dropped, branch, new LedgerState(state));
        if (undoesRevoke.isPresent()) {
            // stays stored as a side branch: should it later revoke that key itself, it may still win
            List<Block> wouldDrop = new ArrayList<>(dropped);
            Collections.reverse(wouldDrop);
            return new ImportResult(ImportResult.Status.SIDE_BRANCH, undoesRevoke.get(), wouldDrop, List.of());
        }
        KeyValueStore.Batch batch = store.batch();
        for (int i = 0; i < branch.size(); i++) {
            Block b = branch.get(i);
            batch.put(Segment.UNDO, b.hash().bytes(), undos.get(i));
            batch.put(Segment.HEIGHTS, Bytes.longKey(b.height()), b.hash().bytes());
            side.leaving(batch, b);
        }
        for (Block old : dropped) {
            side.off(batch, old, old.toProto().getSerializedSize());
            batch.delete(Segment.UNDO, old.hash().bytes());
            if (old.height() > tip.height()) {
                batch.delete(Segment.HEIGHTS, Bytes.longKey(old.height()));
            }
        }
        writeState(batch, state);
        batch.put(Segment.META, HEAD, tip.hash().bytes()).commit();
        head = tip;
        Collections.reverse(dropped);
        listeners.forEach(l -> l.headChanged(dropped, branch));
        return new ImportResult(ImportResult.Status.REORGED, "", dropped, branch);
    }

    private void forget(List<Block> invalid) {
        KeyValueStore.Batch batch = store.batch();
        invalid.forEach(b -> {
            batch.delete(Segment.BLOCKS, b.hash().bytes());
            side.leaving(batch, b);
        });
        batch.commit();
    }

    static boolean better(Block candidate, Block current) {
        if (candidate.height() != current.height()) {
            return candidate.height() > current.height();
        }
        return candidate.hash().compareTo(current.hash()) < 0;
    }

    private static void writeBlock(KeyValueStore.Batch batch, Block block, StateOverlay state) {
        batch.put(Segment.BLOCKS, block.hash().bytes(), block.toProto().toByteArray());
        batch.put(Segment.HEIGHTS, Bytes.longKey(block.height()), block.hash().bytes());
        batch.put(Segment.UNDO, block.hash().bytes(), UndoCodec.encode(state.undo()));
        writeState(batch, state);
    }

    private static void writeState(KeyValueStore.Batch batch, StateOverlay state) {
        for (Map.Entry<byte[], Optional<byte[]>> e : state.writes().entrySet()) {
            if (e.getValue().isPresent()) {
                batch.put(Segment.STATE, e.getKey(), e.getValue().get());
            } else {
                batch.delete(Segment.STATE, e.getKey());
            }
        }
    }

    private static Block load(KeyValueStore store, Hash hash) {
        return parseStored(store.get(Segment.BLOCKS, hash.bytes())
                .orElseThrow(() -> new IllegalStateException("store lacks block " + hash)));
    }

    private static Block parseStored(byte[] bytes) {
        try {
            return Block.parse(bytes);
        } catch (InvalidException e) {
            throw new IllegalStateException("stored block is corrupt: " + e.getMessage());
        }
    }
}

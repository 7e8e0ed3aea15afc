package io.swiftserve.transfer;

import io.swiftserve.chain.Blockchain;
import io.swiftserve.chain.Hash;
import io.swiftserve.net.MessageRouter;
import io.swiftserve.net.PeerNetwork;
import io.swiftserve.net.PeerSession;
import io.swiftserve.store.KeyValueStore;
import io.swiftserve.store.Segment;
import io.swiftserve.util.PrivateDirs;
import io.swiftserve.util.Threads;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.function.IntPredicate;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Makes this node's share directory hold exactly the ledger's file set: starts a download for every
 * file version it lacks, serves every verified chunk it holds, replaces a version only once the new
 * one is complete, and removes deleted files. Resumes from the chunk bitmaps after a restart.
 *
 * <p>This class owns the threads and the lifecycle and routes messages; the work is done by the
 * {@link Reconciler} (what exists on disk), the {@link Swarm} (chunks from peers), {@link Uploads}
 * (chunks to peers), {@link ChunkAdoption} (chunks from files on this node: a fetch's, an earlier
 * version's, see {@link VersionReuse}) and {@link Completion}.
 */
public final class TransferService implements AutoCloseable {
    private static final Logger log = LoggerFactory.getLogger(TransferService.class);

    private final Blockchain chain;
    private final LocalFiles local;
    private final Path partialDir;
    private final Map<Hash, Download> files = new ConcurrentHashMap<>();
    private final SwarmView view = new SwarmView();
    private final TransferStats stats = new TransferStats();
    private final ScheduledExecutorService thread;
    private final ExecutorService io;
    /** Flushes partial files as they grow, off the I/O pool, which must not wait for the disk. */
    private final ExecutorService writeback;

    /**
     * Where the service's work runs, and what a chunk's payload is. A daemon gets its own threads and
     * real bytes; the simulation tier runs everything on its one thread, with payloads that are
     * tokens standing for the bytes (checked against the manifest's hashes all the same).
     */
    public record Workers(
            ScheduledExecutorService thread, ExecutorService io, ExecutorService writeback, boolean tokenPayloads) {
        public static Workers own() {
            return new Workers(
                    Threads.single("transfer"),
                    Threads.pool(2, "transfer-io"),
                    Threads.pool(1, "transfer-writeback"),
                    false);
        }
    }

    private final Uploads uploads;
    private final Swarm swarm;
    private final SwarmInbox inbox;
    private final KeyValueStore store;
    private final Reconciler reconciler;
    private final ChunkAdoption adoption;
    private final Manifests manifests;
    private final ManifestExchange manifestExchange;
    private final ManifestPush manifestPush;
    private final HaveBatcher haves;
    private final Completion completion;
    private final ChunkSinks sinks = new ChunkSinks();
    private final UpRates upRates = new UpRates();
    private final Versions versions;
    private final LocalChanges localChanges;
    private final LocalCopies localCopies;
    private final HoldFilter holdFilter;
    /** The simulation writes no real share directory worth watching, and its one thread must stay its own. */
    private final boolean watchShare;

    private static final byte[] CLEAN_STOP = "transfer/clean-stop".getBytes(java.nio.charset.StandardCharsets.US_ASCII);

    public TransferService(
            Blockchain chain,
            KeyValueStore store,
            PeerNetwork network,
            Path shareDir,
            Path partialDir,
            java.util.function.Supplier<Map<Hash, String>> pendingVersions,
            Workers workers) {
        this.thread = workers.thread();
        this.io = workers.io();
        this.writeback = workers.writeback();
        this.chain = chain;
        this.store = store;
        this.local = new LocalFiles(store, shareDir);
        BitmapStore bitmaps = new BitmapStore(store);
        PeerHoldsStore peerHolds = new PeerHoldsStore(store);
        this.partialDir = partialDir;
        this.uploads = new Uploads(files, stats);
        this.versions = new Versions(partialDir.resolveSibling("versions"));
        this.watchShare = !workers.tokenPayloads();
        this.manifests = new Manifests(store);
        this.completion =
                new Completion(chain, local, files, stats, thread, io, versions, this::beforeReplace, manifests);
        this.haves = new HaveBatcher(view, network, thread);
        this.swarm = new Swarm(
                files,
                view,
                bitmaps,
                peerHolds,
                stats,
                network,
                thread,
                io,
                writeback,
                workers.tokenPayloads(),
                haves,
                completion::finish);
        this.inbox = new SwarmInbox(thread, swarm, id -> files.containsKey(id) || view.knows(id));
        this.manifestExchange = new ManifestExchange(manifests, network, this::manifestsArrived);
        this.manifestPush = new ManifestPush(manifests, network);
        this.reconciler = new Reconciler(
                chain,
                local,
                bitmaps,
                peerHolds,
                view,
                files,
                swarm,
                completion,
                partialDir,
                pendingVersions,
                manifests,
                manifestExchange,
                versions);
        this.adoption = new ChunkAdoption(
                chain, files, bitmaps, haves, reconciler, completion, stats, swarm::pumpAll, thread, io, writeback);
        if (!workers.tokenPayloads()) {
            // the simulation's files are sparse stand-ins: nothing on its disk matches a chunk hash
            reconciler.beforeSwarm(new VersionReuse(local, manifests, adoption, files)::plan);
        }
        this.holdFilter = new HoldFilter(store);
        reconciler.holds(holdFilter);
        this.localChanges = new LocalChanges(local, files, swarm, bitmaps, reconciler, adoption, versions, completion);
        this.localCopies = new LocalCopies(localChanges, versions, local.shareDir());
    }

    /**
     * Holds only the versions the chain's placement gives {@code self} (and those {@link #pin}ned);
     * until called, every version, as a node did before placement. Call before {@link #start}.
     */
    public void placeFor(io.swiftserve.identity.NodeId self) {
        holdFilter.self(self);
    }

    /** Makes this node hold ledger version {@code fileId} whatever its placement ({@code get}); it opens on the transfer thread. */
    public void pin(Hash fileId) {
        holdFilter.pin(fileId);
        reconcileSoon();
    }

    /** Whether this node must hold {@code f}: its placement or a {@link #pin}. */
    public boolean holdsHere(io.swiftserve.chain.LedgerState state, io.swiftserve.chain.FileEntry f) {
        return holdFilter.on(state).test(f);
    }

    public boolean pinned(Hash fileId) {
        return holdFilter.pinned(fileId);
    }

    public void register(MessageRouter router) {
        SwarmMessages.register(router, new SwarmRoutes(inbox, swarm, uploads, manifestExchange, thread));
        router.onChunk((from, frame) -> sinks.onChunk(from, frame, swarm::onChunk));
    }

    /** Routes ChunkData frames with file_id {@code id} (not a ledger file id) to {@code sink}, which must release them. */
    public void registerSink(Hash id, io.swiftserve.net.ChunkHandler sink) {
        sinks.register(id, sink);
    }

    public void unregisterSink(Hash id) {
        sinks.unregister(id);
    }

    /**
     * Takes chunks of ledger version {@code fileId} from {@code source}, a file laid out like that
     * version (a collaborative fetch's helper data): each chunk in {@code indices} that this node
     * lacks is read, checked against the ledger hash, written to the partial file and announced.
     * Completes with the number of chunks taken; 0 if the version is not in the ledger or complete.
     */
    public java.util.concurrent.CompletableFuture<Integer> adoptChunks(
            Hash fileId, Path source, java.util.BitSet indices) {
        return adoption.adoptChunks(fileId, source, indices);
    }

    public void start() throws IOException {
        Files.createDirectories(local.shareDir());
        PrivateDirs.create(partialDir);
        // a data dir that never held a download has nothing to re-check
        try (var partials = Files.list(partialDir)) {
            reconciler.recheckHeld(store.get(Segment.META, CLEAN_STOP).isEmpty()
                    && partials.findAny().isPresent());
        }
        store.batch().delete(Segment.META, CLEAN_STOP).commit();
        chain.addListener((removed, added) ->
                thread.execute(removed.isEmpty() ? () -> reconciler.applyExtension(added) : reconciler::reconcile));
        thread.execute(() -> {
            reconciler.reconcile();
            // only what was on disk at start can have lost data in a crash; later downloads are fresh
            reconciler.recheckHeld(false);
        });
        if (watchShare) {
            localChanges.start(thread, io);
        }
        thread.scheduleWithFixedDelay(() -> TransferTasks.guarded(swarm::tick), 1, 1, TimeUnit.SECONDS);
        thread.scheduleWithFixedDelay(() -> TransferTasks.guarded(manifestExchange::tick), 1, 1, TimeUnit.SECONDS);
        thread.scheduleWithFixedDelay(() -> TransferTasks.guarded(swarm::closeIdlePartials), 1, 1, TimeUnit.SECONDS);
        thread.scheduleWithFixedDelay(
                () -> TransferTasks.guarded(() -> {
                    stats.sample();
                    upRates.sample();
                }),
                1,
                1,
                TimeUnit.SECONDS);
        thread.scheduleWithFixedDelay(
                () -> {
                    reconciler.reconcile();
                    TransferTasks.guarded(swarm::askForHoldersAgain);
                },
                10,
                10,
                TimeUnit.SECONDS);
    }

    public void sessionUp(PeerSession s) {
        uploads.sessionUp(s);
        upRates.add(s);
        thread.execute(() -> swarm.sessionUp(s));
    }

    public void sessionDown(PeerSession s) {
        uploads.sessionDown(s);
        inbox.sessionDown(s);
        thread.execute(() -> swarm.sessionDown(s));
    }

    /** The manifests of the versions this node holds: a publisher stores its version's before the FileAdd. */
    public Manifests manifests() {
        return manifests;
    }

    /** Whether this node has set up version {@code fileId} (its manifest is here), complete or not. */
    public boolean tracks(Hash fileId) {
        return files.containsKey(fileId);
    }

    private Path beforeReplace(String path, Path target) throws IOException {
        return localChanges.beforeReplace(path, target);
    }

    /** The share directory's local side: edits found there, files the network lacks, versions kept. */
    public LocalCopies localCopies() {
        return localCopies;
    }

    /** Whether version {@code fileId} is complete here: every chunk verified and the file in place. */
    public boolean holds(Hash fileId) {
        Download d = files.get(fileId);
        return d != null && d.completePath != null;
    }

    /**
     * HaveChunks messages this node sent since it started: in fast batches (chunks the peer lacked), in
     * slow ones (chunks it held: its view only), and the chunk indices they carried.
     */
    public long[] haveAnnouncements() {
        return new long[] {haves.fastMessages.get(), haves.slowMessages.get(), haves.indices.get()};
    }

    /** GetManifest messages this node sent since it started. */
    public long manifestAsks() {
        return manifestExchange.asks.get();
    }

    private void manifestsArrived(java.util.List<io.swiftserve.chain.FileEntry> waiting) {
        reconciler.openArrived(waiting);
    }

    public void reconcileSoon() {
        thread.execute(reconciler::reconcile);
    }

    /**
     * This node's view of one file version, for status; empty if the ledger has it but it is not set
     * up yet. A peer not heard from since this node started shows what it said before.
     */
    public Optional<FileProgress> progress(Hash fileId) {
        Download d = files.get(fileId);
        if (d == null) {
            return Optional.empty();
        }
        return Optional.of(
                new FileProgress(d.have.cardinality(), d.layout.chunkCount(), d.state(), view.holds(fileId)));
    }

    public record FileProgress(int have, int chunks, String state, Map<io.swiftserve.identity.NodeId, Integer> peers) {}

    public TransferStats stats() {
        return stats;
    }

    public double downRate(PeerSession s) {
        return swarm.rate(s);
    }

    /** Upload rate to one peer, from the bytes written to it. */
    public double upRate(PeerSession s) {
        return upRates.of(s);
    }

    public Path shareDir() {
        return local.shareDir();
    }

    Path partialDir() {
        return partialDir;
    }

    /** Registers a file this node imported itself: its partial file is already complete. */
    void seeded(Hash fileId, int chunks) {
        reconciler.seeded(fileId, chunks);
    }

    /** Stores the manifest of a version about to be published here and sends it ahead ({@link ManifestPush}). */
    public void publishManifest(io.swiftserve.chain.Manifest manifest) {
        manifests.put(manifest);
        manifestPush.push(manifest.hash());
    }

    /** Calls {@code listener} on the transfer thread each time a version becomes complete here (keep it quick). */
    public void onVersionComplete(java.util.function.Consumer<CompletedVersion> listener) {
        completion.onComplete(listener);
    }

    /** Test hook: this node serves random bytes for the chunks {@code which} selects. */
    public void corruptChunks(IntPredicate which) {
        uploads.corruptChunks(which);
    }

    @Override
    public void close() {
        thread.execute(() -> {
            TransferTasks.guarded(swarm::saveBitmaps);
            TransferTasks.guarded(swarm::savePeerHolds);
        });
        localChanges.close();
        thread.shutdown();
        io.shutdown();
        writeback.shutdown();
        try {
            if (!thread.awaitTermination(5, TimeUnit.SECONDS)) {
                thread.shutdownNow();
            }
            io.awaitTermination(5, TimeUnit.SECONDS);
            writeback.awaitTermination(5, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        boolean clean = true;
        for (Download d : files.values()) {
            PartialFile p = d.partial;
            if (p != null) {
                try {
                    p.sync();
                    p.close();
                } catch (IOException e) {
                    clean = false;
                    log.debug("closing {}: {}", d, e.getMessage());
                }
            }
        }
        if (clean) {
            store.batch().put(Segment.META, CLEAN_STOP, new byte[] {1}).commit();
        }
    }
}

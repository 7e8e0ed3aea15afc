package io.swiftserve.transfer;

import io.swiftserve.chain.Blockchain;
import io.swiftserve.chain.FileEntry;
import io.swiftserve.chain.Hash;
import io.swiftserve.net.MessageRouter;
import io.swiftserve.net.PeerNetwork;
import io.swiftserve.net.PeerSession;
import io.swiftserve.proto.Envelope;
import io.swiftserve.store.KeyValueStore;
import io.swiftserve.store.Segment;
import io.swiftserve.util.LogText;
import io.swiftserve.util.PrivateDirs;
import io.swiftserve.util.Threads;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.List;
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
 */
public final class TransferService implements AutoCloseable {
    private static final Logger log = LoggerFactory.getLogger(TransferService.class);

    private final Blockchain chain;
    private final LocalFiles local;
    private final BitmapStore bitmaps;
    private final PeerHoldsStore peerHolds;
    private final Path partialDir;
    private final Map<Hash, Download> files = new ConcurrentHashMap<>();
    private final SwarmView view = new SwarmView();
    private final TransferStats stats = new TransferStats();
    private final ScheduledExecutorService thread = Threads.single("transfer");
    private final ExecutorService io = Threads.pool(2, "transfer-io");
    /** Flushes partial files as they grow, off the I/O pool, which must not wait for the disk. */
    private final ExecutorService writeback = Threads.pool(1, "transfer-writeback");
    private final Uploads uploads;
    private final Swarm swarm;
    private final KeyValueStore store;
    private final PeerNetwork network;
    /** Set when the last run did not stop cleanly: held chunks of partial files are re-hashed before use. */
    private boolean recheckHeld;
    private static final byte[] CLEAN_STOP = "transfer/clean-stop".getBytes(java.nio.charset.StandardCharsets.US_ASCII);

    /** File versions whose FileAdd left the chain in a reorg and waits in the pool to be sealed again. */
    private final java.util.function.Supplier<Map<Hash, String>> pendingVersions;

    public TransferService(Blockchain chain, KeyValueStore store, PeerNetwork network, Path shareDir, Path partialDir,
                           java.util.function.Supplier<Map<Hash, String>> pendingVersions) {
        this.chain = chain;
        this.pendingVersions = pendingVersions;
        this.store = store;
        this.network = network;
        this.local = new LocalFiles(store, shareDir);
        this.bitmaps = new BitmapStore(store);
        this.peerHolds = new PeerHoldsStore(store);
        this.partialDir = partialDir;
        this.uploads = new Uploads(files, stats);
        this.swarm = new Swarm(files, view, bitmaps, peerHolds, stats, network, thread, io, writeback, this::finish);
    }

    public void register(MessageRouter router) {
        router.on(Envelope.BodyCase.HAVE_BITMAP, (s, m) -> thread.execute(() -> swarm.onBitmap(s, m.getHaveBitmap())))
                .on(Envelope.BodyCase.HAVE_CHUNKS, (s, m) -> thread.execute(() -> swarm.onHave(s, m.getHaveChunks())))
                .on(Envelope.BodyCase.CHUNK_REJECT, (s, m) -> thread.execute(() -> swarm.onReject(s, m.getChunkReject())))
                .on(Envelope.BodyCase.REQUEST_CHUNK, (s, m) -> uploads.onRequest(s, m.getRequestChunk()))
                .on(Envelope.BodyCase.CANCEL_CHUNK, (s, m) -> uploads.onCancel(s, m.getCancelChunk()))
                .onChunk(this::onChunk);
    }

    /** Chunk frames whose file_id names a registered sink (a collaborative fetch) go there, the rest to the swarm. */
    private void onChunk(PeerSession s, io.swiftserve.net.ChunkFrame frame) {
        com.google.protobuf.ByteString id = frame.fileId();
        if (!sinks.isEmpty() && id.size() == 32) {
            io.swiftserve.net.ChunkHandler sink = sinks.get(Hash.of(id.toByteArray()));
            if (sink != null) {
                sink.onChunk(s, frame);
                return;
            }
        }
        swarm.onChunk(s, frame);
    }

    private final Map<Hash, io.swiftserve.net.ChunkHandler> sinks = new ConcurrentHashMap<>();

    /** Routes ChunkData frames with file_id {@code id} (not a ledger file id) to {@code sink}, which must release them. */
    public void registerSink(Hash id, io.swiftserve.net.ChunkHandler sink) {
        sinks.put(id, sink);
    }

    public void unregisterSink(Hash id) {
        sinks.remove(id);
    }

    /**
     * Takes chunks of ledger version {@code fileId} from {@code source}, a file laid out like that
     * version (a collaborative fetch's helper data): each chunk in {@code indices} that this node
     * lacks is read, checked against the ledger hash, written to the partial file and announced.
     * Completes with the number of chunks taken; 0 if the version is not in the ledger or complete.
     */
    public java.util.concurrent.CompletableFuture<Integer> adoptChunks(Hash fileId, Path source, java.util.BitSet indices) {
        java.util.concurrent.CompletableFuture<Integer> result = new java.util.concurrent.CompletableFuture<>();
        thread.execute(() -> {
            try {
                Download d = files.get(fileId);
                if (d == null) {
                    FileEntry f = chain.state().files().stream().filter(e -> e.fileId().equals(fileId)).findFirst().orElse(null);
                    if (f != null) {
                        open(f);
                        d = files.get(fileId);
                    }
                }
                if (d == null || d.partial == null || d.isComplete() || d.finishing) {
                    result.complete(0);
                    return;
                }
                Download target = d;
                io.execute(() -> adoptRead(target, source, indices, result));
            } catch (Exception e) {
                result.completeExceptionally(e);
            }
        });
        return result;
    }

    private void adoptRead(Download d, Path source, java.util.BitSet indices, java.util.concurrent.CompletableFuture<Integer> result) {
        List<Integer> good = new java.util.ArrayList<>();
        try (java.nio.channels.FileChannel in = java.nio.channels.FileChannel.open(source, java.nio.file.StandardOpenOption.READ)) {
            for (int i = indices.nextSetBit(0); i >= 0 && i < d.layout.chunkCount(); i = indices.nextSetBit(i + 1)) {
                PartialFile p = d.partial;
                if (p == null) {
                    break;
                }
                if (d.have.get(i)) {
                    continue;
                }
                java.nio.ByteBuffer buf = java.nio.ByteBuffer.allocate(d.layout.length(i));
                while (buf.hasRemaining() && in.read(buf, d.layout.offset(i) + buf.position()) >= 0) {
                    // read fully
                }
                buf.flip();
                if (buf.remaining() == d.layout.length(i) && FileHasher.matches(buf, d.entry.chunkHashes(), i)) {
                    p.writeChunk(i, buf);
                    good.add(i);
                }
            }
        } catch (Exception e) {
            log.warn("taking in fetched chunks of {}: {}", d, e.toString());
        }
        thread.execute(() -> {
            int taken = 0;
            if (files.get(d.fileId) == d && !d.isComplete() && !d.finishing) {
                List<Integer> fresh = new java.util.ArrayList<>();
                for (int i : good) {
                    if (d.have.set(i)) {
                        fresh.add(i);
                        d.selector.received(null, i);
                    }
                }
                if (!fresh.isEmpty()) {
                    bitmaps.save(d.fileId.bytes(), d.have);
                    network.broadcast(Swarm.haveChunks(d, fresh), null);
                    log.info("{}: took in {} chunks fetched from the origin by this node", d, fresh.size());
                }
                taken = fresh.size();
                if (d.have.isComplete()) {
                    d.finishing = true;
                    finish(d);
                }
            }
            result.complete(taken);
        });
    }


    public void start() throws IOException {
        Files.createDirectories(local.shareDir());
        PrivateDirs.create(partialDir);
        // a data dir that never held a download has nothing to re-check
        try (var partials = Files.list(partialDir)) {
            recheckHeld = store.get(Segment.META, CLEAN_STOP).isEmpty() && partials.findAny().isPresent();
        }
        store.batch().delete(Segment.META, CLEAN_STOP).commit();
        chain.addListener((removed, added) -> reconcileSoon());
        thread.execute(() -> {
            reconcile();
            // only what was on disk at start can have lost data in a crash; later downloads are fresh
            recheckHeld = false;
        });
        thread.scheduleWithFixedDelay(() -> guarded(swarm::tick), 1, 1, TimeUnit.SECONDS);
        thread.scheduleWithFixedDelay(() -> guarded(this::closeIdlePartials), 1, 1, TimeUnit.SECONDS);
        thread.scheduleWithFixedDelay(() -> guarded(() -> {
            stats.sample();
            sampleUpRates();
        }), 1, 1, TimeUnit.SECONDS);
        thread.scheduleWithFixedDelay(() -> {
            reconcile();
            guarded(() -> {
                int asked = swarm.askForHolders();
                if (asked > 0) {
                    log.debug("asked peers again for holders of {} downloads", asked);
                }
            });
        }, 10, 10, TimeUnit.SECONDS);
    }

    /** Descriptors follow the files in use, not the files incomplete (data that exists nowhere costs none). */
    private void closeIdlePartials() throws IOException {
        for (Download d : files.values()) {
            PartialFile p = d.partial;
            if (p != null) {
                p.closeIfIdle(PARTIAL_IDLE_NANOS);
            }
        }
    }

    private static final long PARTIAL_IDLE_NANOS = TimeUnit.SECONDS.toNanos(5);

    public void sessionUp(PeerSession s) {
        uploads.sessionUp(s);
        upRates.put(s, new TransferStats.Rate());
        thread.execute(() -> swarm.sessionUp(s));
    }

    public void sessionDown(PeerSession s) {
        thread.execute(() -> swarm.sessionDown(s));
    }

    public void reconcileSoon() {
        thread.execute(this::reconcile);
    }

    /**
     * Brings the downloads and the share directory in line with the ledger. A version whose FileAdd
     * a reorg sent back to the pool keeps its data (partial or complete) until it is sealed again or
     * refused: this node may hold its only copy. Linear in the file count (one map, one path set).
     */
    private void reconcile() {
        guarded(() -> {
            Map<Hash, FileEntry> ledger = new HashMap<>();
            java.util.Set<String> paths = new java.util.HashSet<>();
            chain.state().files().forEach(f -> {
                ledger.put(f.fileId(), f);
                paths.add(f.path());
            });
            Map<Hash, String> pending = pendingVersions.get();
            paths.addAll(pending.values());
            for (Download d : List.copyOf(files.values())) {
                if (ledger.containsKey(d.fileId)) {
                    continue;
                }
                if (pending.containsKey(d.fileId)) {
                    if (!d.keptForPool) {
                        d.keptForPool = true;
                        log.info("{}: its transaction left the chain in a reorg and waits to be sealed again; data kept", d);
                    }
                    continue;
                }
                drop(d, paths.contains(d.entry.path()));
            }
            for (String path : local.all().keySet()) {
                if (!paths.contains(path)) {
                    local.remove(path);
                    log.info("file removed: {} (deleted from the network)", LogText.escape(path));
                }
            }
            for (FileEntry f : ledger.values()) {
                Download d = files.get(f.fileId());
                if (d == null) {
                    open(f);
                } else {
                    d.keptForPool = false;
                }
            }
        });
    }

    private void open(FileEntry f) throws IOException {
        view.restore(f.fileId(), peerHolds.load(f.fileId()));
        Path target = local.target(f.path());
        ChunkBitmap have = bitmaps.load(f.fileId().bytes(), f.chunkCount());
        boolean inPlace = local.version(f.path()).filter(f.fileId()::equals).isPresent();
        if (inPlace && Files.isRegularFile(target) && Files.size(target) == f.size()) {
            swarm.add(Download.complete(f, target));
            return;
        }
        Path partialPath = partialDir.resolve(f.fileId() + ".part");
        if (have.isComplete() && !Files.exists(partialPath) && Files.isRegularFile(target) && Files.size(target) == f.size()) {
            // renamed into place just before a crash, not yet recorded
            local.record(f.path(), f.fileId());
            swarm.add(Download.complete(f, target));
            return;
        }
        if (!Files.exists(partialPath) && have.cardinality() > 0) {
            log.warn("partial data of {} is gone; fetching it again", LogText.escape(f.path()));
            bitmaps.delete(f.fileId().bytes());
            have = new ChunkBitmap(f.chunkCount());
        }
        PartialFile partial = PartialFile.open(partialDir, f.fileId().bytes(), ChunkLayout.of(f.size(), f.chunkSize()));
        if (recheckHeld && have.cardinality() > 0) {
            have = recheck(f, partial, have);
        }
        Download d = new Download(f, partial, have);
        if (importedHere.remove(f.fileId())) {
            swarm.superSeedIfWorthIt(d);
        }
        swarm.add(d);
        if (have.isComplete()) {
            d.finishing = true;
            finish(d);
        } else {
            log.info("file queued: {} v{} ({} bytes, {} chunks, {} held)", LogText.escape(f.path()), f.version(), f.size(), f.chunkCount(), have.cardinality());
        }
    }

    /**
     * After a crash of the machine (not just the process), a bitmap bit can outlive the page-cache
     * data it vouches for: keep only the held chunks whose bytes still match their hash.
     */
    private ChunkBitmap recheck(FileEntry f, PartialFile partial, ChunkBitmap have) throws IOException {
        ChunkBitmap good = new ChunkBitmap(f.chunkCount());
        for (int i = have.nextSet(0); i >= 0; i = have.nextSet(i + 1)) {
            if (FileHasher.matches(partial.readChunk(i), f.chunkHashes(), i)) {
                good.set(i);
            }
        }
        if (good.cardinality() != have.cardinality()) {
            log.warn("{}: {} of {} held chunks no longer match after an unclean stop; fetching them again",
                    LogText.escape(f.path()), have.cardinality() - good.cardinality(), have.cardinality());
            bitmaps.save(f.fileId().bytes(), good);
        } else {
            log.info("{}: {} held chunks re-verified after an unclean stop", LogText.escape(f.path()), have.cardinality());
        }
        return good;
    }

    /** Stops a version that left the ledger; keeps the file on disk only if the path still exists in another version. */
    private void drop(Download d, boolean pathStillInLedger) throws IOException {
        swarm.remove(d);
        PartialFile p = d.partial;
        if (p != null) {
            p.delete();
        }
        bitmaps.delete(d.fileId.bytes());
        peerHolds.delete(d.fileId);
        if (!pathStillInLedger && local.version(d.entry.path()).isPresent()) {
            local.remove(d.entry.path());
            log.info("file removed: {} (deleted from the network)", LogText.escape(d.entry.path()));
        } else if (!d.isComplete()) {
            log.info("download of {} stopped: replaced or deleted", d);
        }
    }

    /** Complete: fsync, atomic rename into place (replacing an older version), then record it. */
    private void finish(Download d) {
        io.execute(() -> {
            try {
                Path target = local.target(d.entry.path());
                PartialFile p = d.partial;
                if (p != null) {
                    p.complete(target);
                } else if (d.layout.chunkCount() == 0) {
                    Files.createDirectories(target.getParent());
                    Files.write(target, new byte[0]);
                }
                thread.execute(() -> {
                    if (files.get(d.fileId) != d) {
                        discardLateCompletion(d);
                        return;
                    }
                    d.completePath = target;
                    d.partial = null;
                    local.record(d.entry.path(), d.fileId);
                    stats.filesCompleted.incrementAndGet();
                    log.info("file complete: {} v{} ({} bytes) in {} ms", LogText.escape(d.entry.path()), d.entry.version(), d.entry.size(),
                            (System.nanoTime() - d.startedNanos) / 1_000_000);
                });
            } catch (IOException e) {
                thread.execute(() -> {
                    if (files.get(d.fileId) != d) {
                        // dropped while completing: its partial file was deleted under the rename
                        log.debug("completing {} stopped: {}", d, e.getMessage());
                        return;
                    }
                    log.error("cannot complete {}: {}", d, e.getMessage());
                    d.error = e.getMessage();
                    d.finishing = false;
                });
            }
        });
    }

    /**
     * The version left the ledger while its file was being renamed into place, so {@link #drop}
     * found nothing recorded at its path. If the path left the ledger too (rm), the file goes: a
     * deleted file must not come back. If a newer version holds the path, the file stays, recorded
     * like any older version, until the newer one replaces it.
     */
    private void discardLateCompletion(Download d) {
        String path = d.entry.path();
        guarded(() -> {
            if (local.version(path).isPresent()) {
                return;
            }
            if (chain.state().file(path).isEmpty()) {
                local.remove(path);
                log.info("file removed: {} (deleted from the network while it completed)", LogText.escape(path));
            } else {
                local.record(path, d.fileId);
            }
        });
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
        return Optional.of(new FileProgress(d.have.cardinality(), d.layout.chunkCount(), d.state(), view.holds(fileId)));
    }

    public record FileProgress(int have, int chunks, String state, Map<io.swiftserve.identity.NodeId, Integer> peers) {
    }

    public TransferStats stats() {
        return stats;
    }

    public double downRate(PeerSession s) {
        return swarm.rate(s);
    }

    /** Upload rate to one peer, from the bytes written to it. */
    public double upRate(PeerSession s) {
        return upRates.computeIfAbsent(s, k -> new TransferStats.Rate()).perSecond();
    }

    private final Map<PeerSession, TransferStats.Rate> upRates = new ConcurrentHashMap<>();

    private void sampleUpRates() {
        upRates.keySet().removeIf(s -> !s.channel().isActive());
        upRates.forEach((s, r) -> r.sample(s.bytesOut().get()));
    }

    public Path shareDir() {
        return local.shareDir();
    }

    Path partialDir() {
        return partialDir;
    }

    /** Test hook: this node serves random bytes for the chunks {@code which} selects. */
    public void corruptChunks(IntPredicate which) {
        uploads.corruptChunks(which);
    }

    /** Registers a file this node imported itself: its partial file is already complete. */
    void seeded(Hash fileId, int chunks) {
        bitmaps.save(fileId.bytes(), ChunkBitmap.full(chunks));
        importedHere.add(fileId);
    }

    /** Versions imported here and not yet opened: they start super-seeded. */
    private final java.util.Set<Hash> importedHere = ConcurrentHashMap.newKeySet();

    private static void guarded(ThrowingRunnable r) {
        try {
            r.run();
        } catch (Exception e) {
            log.error("transfer task failed", e);
        }
    }

    private interface ThrowingRunnable {
        void run() throws Exception;
    }

    @Override
    public void close() {
        thread.execute(() -> {
            guarded(swarm::saveBitmaps);
            guarded(swarm::savePeerHolds);
        });
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
            store.batch().put(Segment.META, CLEAN_STOP, new byte[]{1}).commit();
        }
    }
}

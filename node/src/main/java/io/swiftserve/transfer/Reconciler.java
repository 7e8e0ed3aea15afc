package io.swiftserve.transfer;

import io.swiftserve.chain.Block;
import io.swiftserve.chain.Blockchain;
import io.swiftserve.chain.FileEntry;
import io.swiftserve.chain.Hash;
import io.swiftserve.chain.Manifest;
import io.swiftserve.util.LogText;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Makes the downloads and the share directory match the ledger: opens a download (or a complete
 * file) for every version the ledger has, drops the versions it lost, removes deleted files. Kept
 * apart from the swarm because it is the only code that decides what exists on disk; the swarm only
 * fills in what this class opened. Runs on the transfer thread.
 */
final class Reconciler {
    /** The lines keep the logger they had before this class was split out of TransferService. */
    private static final Logger log = LoggerFactory.getLogger(TransferService.class);

    private final Blockchain chain;
    private final LocalFiles local;
    private final BitmapStore bitmaps;
    private final PeerHoldsStore peerHolds;
    private final SwarmView view;
    private final Map<Hash, Download> files;
    private final Swarm swarm;
    private final Completion completion;
    private final Path partialDir;
    private final Manifests manifests;
    private final ManifestExchange manifestExchange;
    private final Versions versions;
    /** File versions whose FileAdd left the chain in a reorg and waits in the pool to be sealed again. */
    private final Supplier<Map<Hash, String>> pendingVersions;
    /** Versions imported here and not yet opened: they start super-seeded. */
    private final Set<Hash> importedHere = ConcurrentHashMap.newKeySet();
    /** Set when the last run did not stop cleanly: held chunks of partial files are re-hashed before use. */
    private boolean recheckHeld;

    private java.util.function.Consumer<Download> beforeSwarm = d -> {};
    /** Which versions this node holds ({@link io.swiftserve.chain.Placement}); unset: all of them. */
    private HoldFilter holds;

    private final TreeVersions trees;

    Reconciler(
            Blockchain chain,
            LocalFiles local,
            BitmapStore bitmaps,
            PeerHoldsStore peerHolds,
            SwarmView view,
            Map<Hash, Download> files,
            Swarm swarm,
            Completion completion,
            Path partialDir,
            Supplier<Map<Hash, String>> pendingVersions,
            Manifests manifests,
            ManifestExchange manifestExchange,
            Versions versions) {
        this.versions = versions;
        this.chain = chain;
        this.local = local;
        this.bitmaps = bitmaps;
        this.peerHolds = peerHolds;
        this.view = view;
        this.files = files;
        this.swarm = swarm;
        this.completion = completion;
        this.partialDir = partialDir;
        this.pendingVersions = pendingVersions;
        this.manifests = manifests;
        this.manifestExchange = manifestExchange;
        this.trees = new TreeVersions(local, swarm, completion, partialDir);
    }

    /** Called with each new download before the swarm sees it: {@link VersionReuse#plan}. */
    void beforeSwarm(java.util.function.Consumer<Download> hook) {
        beforeSwarm = hook;
    }

    /**
     * A replaced version still on disk at its path keeps its manifest until the new version takes its
     * place: the new one's chunks are looked up in it. True if {@code d} is that version.
     */
    private boolean keptAsBasis(Download d) {
        String path = d.entry.path();
        if (!local.version(path).filter(d.fileId::equals).isPresent()) {
            return false;
        }
        if (local.bases().onDisk(path, Optional.of(d.fileId)).isEmpty()) {
            local.bases().recordOnDisk(path, d.fileId, d.entry.manifest()); // completed before these records
        }
        return true;
    }

    void holds(HoldFilter filter) {
        holds = filter;
    }

    private java.util.function.Predicate<FileEntry> heldHere() {
        return holds == null ? f -> true : holds.on(chain.state());
    }

    /** Whether this node holds ledger version {@code f}: outside its placement it opens no download. */
    boolean wanted(FileEntry f) {
        return heldHere().test(f);
    }

    /** Only what was on disk at start can have lost data in a crash; later downloads are fresh. */
    void recheckHeld(boolean recheck) {
        recheckHeld = recheck;
    }

    /** Registers a file this node imported itself: its partial file is already complete. */
    void seeded(Hash fileId, int chunks) {
        bitmaps.save(fileId.bytes(), ChunkBitmap.full(chunks));
        importedHere.add(fileId);
    }

    /**
     * Brings the downloads and the share directory in line with the ledger. A version whose FileAdd
     * a reorg sent back to the pool keeps its data (partial or complete) until it is sealed again or
     * refused: this node may hold its only copy. Linear in the file count (one map, one path set).
     */
    void reconcile() {
        TransferTasks.guarded(() -> {
            Map<Hash, FileEntry> ledger = new HashMap<>();
            Set<String> paths = new HashSet<>();
            Set<Hash> elsewhere = new HashSet<>(); // in the ledger, held by other members only
            // one head for both: between a reorg's commit and the pool taking its transactions back,
            // a version is in neither, and reading them apart would delete its only copy
            Map<Hash, String> pending = chain.consistently(() -> {
                java.util.function.Predicate<FileEntry> here = heldHere();
                chain.state().files().forEach(f -> {
                    ledger.put(f.fileId(), f);
                    paths.add(f.path());
                    if (!here.test(f)) {
                        elsewhere.add(f.fileId());
                    }
                });
                return pendingVersions.get();
            });
            paths.addAll(pending.values());
            Set<Hash> unused = new HashSet<>();
            for (Download d : List.copyOf(files.values())) {
                if (ledger.containsKey(d.fileId)) {
                    if (elsewhere.contains(d.fileId)) {
                        swarm.withdraw(d); // peers stop asking this node for its chunks
                        drop(d, true);
                    }
                    continue;
                }
                if (pending.containsKey(d.fileId)) {
                    keepForPool(d);
                    continue;
                }
                boolean pathStays = paths.contains(d.entry.path());
                drop(d, pathStays);
                if (!pathStays || !keptAsBasis(d)) {
                    unused.add(d.entry.manifest());
                }
            }
            unused.addAll(local.bases().takeReleased());
            // a manifest may be shared (the same content published again): kept while anything names it
            ledger.values().forEach(f -> unused.remove(f.manifest()));
            files.values().forEach(d -> unused.remove(d.entry.manifest()));
            unused.forEach(manifests::delete);
            manifestExchange.retain(ledger.keySet());
            for (String path : local.all().keySet()) {
                if (!paths.contains(path)) {
                    removed(path);
                }
            }
            if (holds != null) {
                holds.retain(ledger.keySet());
            }
            for (FileEntry f : ledger.values()) {
                Download d = files.get(f.fileId());
                if (elsewhere.contains(f.fileId())) {
                    holds.release(f, local, versions);
                } else if (d == null) {
                    open(f);
                } else {
                    d.keptForPool = false;
                }
            }
        });
    }

    /**
     * Applies blocks that extended the head, none dropped: only the paths their transactions name are
     * read from the ledger, so a block costs what it carries rather than a decode of every file (at
     * 10,000 files, every new block). Each path is brought to what the ledger says now, not what the
     * block said, so a late or repeated call does no harm. A reorg, the start and the pass every
     * 10 s take the whole ledger ({@link #reconcile}), which also forgets unused manifests.
     */
    void applyExtension(List<Block> added) {
        Set<String> touched = BlockChanges.paths(added);
        if (BlockChanges.movesHolders(added) && !chain.state().targets().isEmpty()) {
            reconcile(); // who holds a placed version may have changed, whatever path it has
            return;
        }
        if (touched.isEmpty()) {
            return;
        }
        TransferTasks.guarded(() -> {
            Map<String, FileEntry> current = new HashMap<>();
            Set<String> elsewhere = new HashSet<>();
            Map<Hash, String> pending = chain.consistently(() -> {
                java.util.function.Predicate<FileEntry> here = heldHere();
                for (String path : touched) {
                    chain.state().file(path).ifPresent(f -> {
                        current.put(path, f);
                        if (!here.test(f)) {
                            elsewhere.add(path);
                        }
                    });
                }
                return pendingVersions.get();
            });
            Set<String> pendingPaths = new HashSet<>(pending.values());
            for (Download d : List.copyOf(files.values())) {
                String path = d.entry.path();
                FileEntry now = current.get(path);
                if (!touched.contains(path) || (now != null && now.fileId().equals(d.fileId))) {
                    continue;
                }
                if (pending.containsKey(d.fileId)) {
                    keepForPool(d);
                } else {
                    drop(d, now != null || pendingPaths.contains(path));
                }
            }
            for (String path : touched) {
                FileEntry now = current.get(path);
                if (now != null && elsewhere.contains(path)) {
                    holds.release(now, local, versions);
                } else if (now != null) {
                    Download d = files.get(now.fileId());
                    if (d == null) {
                        open(now);
                    } else {
                        d.keptForPool = false;
                    }
                } else if (!pendingPaths.contains(path) && local.version(path).isPresent()) {
                    removed(path);
                }
            }
        });
    }

    private static void keepForPool(Download d) {
        if (!d.keptForPool) {
            d.keptForPool = true;
            log.info("{}: its transaction left the chain in a reorg and waits to be sealed again; data kept", d);
        }
    }

    /**
     * Opens the versions whose manifest just arrived, if the ledger still has them and nothing
     * opened them meanwhile; whatever else changed is the next {@link #reconcile}'s. A joiner of a
     * network with F files receives F manifests: a whole reconcile for each was F × F.
     */
    void openArrived(List<FileEntry> waiting) {
        TransferTasks.guarded(() -> {
            java.util.function.Predicate<FileEntry> here = heldHere();
            for (FileEntry f : waiting) {
                boolean current = here.test(f)
                        && !files.containsKey(f.fileId())
                        && chain.state()
                                .file(f.path())
                                .filter(now -> now.fileId().equals(f.fileId()))
                                .isPresent();
                if (current) {
                    open(f);
                }
            }
        });
    }

    /**
     * Sets up ledger version {@code f}: complete in place, complete but unrecorded after a crash, or a
     * download; or, while its manifest is not here yet, asks the peers for it (it opens on arrival).
     */
    void open(FileEntry f) throws IOException {
        if (local.keptLocal(f.path()).filter(f.fileId()::equals).isPresent()) {
            return; // the user keeps their edit of this version: neither served nor fetched again
        }
        Manifest manifest = manifests.of(f);
        if (manifest == null) {
            manifestExchange.want(f);
            return;
        }
        if (!trees.acceptable(f, manifest)) {
            return;
        }
        view.restore(f.fileId(), peerHolds.load(f.fileId()));
        ChunkLayout layout = ChunkLayout.of(manifest);
        ChunkBitmap have = bitmaps.load(f.fileId().bytes(), f.chunkCount());
        boolean inPlace = local.version(f.path()).filter(f.fileId()::equals).isPresent();
        if (manifest.isTree() && trees.openComplete(f, layout, inPlace, have)) {
            return;
        }
        Path target = local.target(f.path());
        if (inPlace && Files.isRegularFile(target) && Files.size(target) == f.size()) {
            swarm.add(Download.complete(f, layout, target));
            return;
        }
        Path partialPath = partialDir.resolve(f.fileId() + ".part");
        if (have.isComplete()
                && !Files.exists(partialPath)
                && Files.isRegularFile(target)
                && Files.size(target) == f.size()) {
            // renamed into place just before a crash, not yet recorded
            local.record(f.path(), f.fileId(), f.manifest(), null);
            swarm.add(Download.complete(f, layout, target));
            return;
        }
        if (inPlace && !Files.exists(partialPath)) {
            // complete here once, and no longer of its size: changed or deleted behind the node's back
            log.warn(
                    "{}: {} on this node while it was stopped; fetching the network's version{}",
                    LogText.escape(f.path()),
                    Files.exists(target) ? "changed" : "deleted",
                    Files.exists(target) ? " (the edited copy is kept aside when it arrives)" : "");
            bitmaps.delete(f.fileId().bytes());
            have = new ChunkBitmap(f.chunkCount());
        } else if (!Files.exists(partialPath) && have.cardinality() > 0) {
            log.warn("partial data of {} is gone; fetching it again", LogText.escape(f.path()));
            bitmaps.delete(f.fileId().bytes());
            have = new ChunkBitmap(f.chunkCount());
        }
        byte[] hashes = manifest.chunkHashes();
        PartialFile partial = PartialFile.open(partialDir, f.fileId().bytes(), layout);
        if (recheckHeld && have.cardinality() > 0) {
            have = HeldRecheck.recheck(f, hashes, partial, have, bitmaps);
        }
        Download d = new Download(f, layout, hashes, partial, have);
        if (importedHere.remove(f.fileId())) {
            swarm.superSeedIfWorthIt(d);
        }
        if (!have.isComplete()) {
            beforeSwarm.accept(d); // chunks this node holds already must not be asked of peers
        }
        swarm.add(d);
        if (have.isComplete()) {
            d.finishing = true;
            completion.finish(d);
        } else {
            log.info(
                    "file queued: {} v{} ({} bytes, {} chunks, {} held)",
                    LogText.escape(f.path()),
                    f.version(),
                    f.size(),
                    f.chunkCount(),
                    have.cardinality());
        }
    }

    /** A path left the ledger: this node's copy goes to the versions store, never simply deleted. */
    private void removed(String path) throws IOException {
        Path kept = local.remove(path, versions);
        log.info(
                "file removed: {} (deleted from the network){}",
                LogText.escape(path),
                kept == null ? "" : "; copy kept as " + LogText.escape(kept.toString()));
    }

    /** Stops a version that left the ledger; keeps the file on disk only if the path still exists in another version. */
    void drop(Download d, boolean pathStillInLedger) throws IOException {
        swarm.remove(d);
        PartialFile p = d.partial;
        if (p != null) {
            p.delete();
        }
        bitmaps.delete(d.fileId.bytes());
        peerHolds.delete(d.fileId);
        if (!pathStillInLedger && local.version(d.entry.path()).isPresent()) {
            removed(d.entry.path());
        } else if (!d.isComplete()) {
            log.info("download of {} stopped: replaced or deleted", d);
        }
    }
}

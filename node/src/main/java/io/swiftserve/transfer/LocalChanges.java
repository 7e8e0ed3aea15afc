package io.swiftserve.transfer;

import io.swiftserve.chain.Hash;
import io.swiftserve.util.Ambient;
import io.swiftserve.util.LogText;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.time.LocalDateTime;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.BitSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.stream.Stream;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Finds what was changed under the share directory behind the node's back and deals with it, so that
 * no local edit is ever overwritten without a trace and no edited file is served as the network's.
 * A file is changed when its size or modification time differ from what the node recorded when it put
 * the file there ({@link LocalFiles#stamp}). Under {@link LocalPolicy.OnChange#KEEP_ASIDE} the edited
 * copy is renamed next to it ({@code NAME.swiftserve-conflict-yyyyMMdd-HHmmss}) and the network's
 * version restored: its chunks that still match are taken from the kept copy, the rest from peers.
 * Under {@code KEEP_LOCAL} the copy stays, withdrawn from the swarm, until the user deletes it.
 * Runs on the transfer thread, except {@link #beforeReplace}, which the completing I/O thread calls.
 */
final class LocalChanges {
    private static final Logger log = LoggerFactory.getLogger(LocalChanges.class);
    static final String CONFLICT = ".swiftserve-conflict-";

    private final LocalFiles local;
    private final Map<Hash, Download> files;
    private final Swarm swarm;
    private final BitmapStore bitmaps;
    private final Reconciler reconciler;
    private final ChunkAdoption adoption;
    private final Versions versions;
    private final Completion completion;
    private volatile LocalPolicy policy = LocalPolicy.DEFAULT;
    /** The changes seen since start, by ledger path: shown in status until resolved. */
    private final Map<String, Change> changes = new ConcurrentHashMap<>();

    /** {@code kind}: modified or deleted; {@code keptAs}: the kept-aside copy, null if none (deleted, or kept in place). */
    record Change(String kind, Path keptAs, boolean keptLocal) {}

    LocalChanges(
            LocalFiles local,
            Map<Hash, Download> files,
            Swarm swarm,
            BitmapStore bitmaps,
            Reconciler reconciler,
            ChunkAdoption adoption,
            Versions versions,
            Completion completion) {
        this.completion = completion;
        this.local = local;
        this.files = files;
        this.swarm = swarm;
        this.bitmaps = bitmaps;
        this.reconciler = reconciler;
        this.adoption = adoption;
        this.versions = versions;
    }

    private final java.util.concurrent.atomic.AtomicBoolean scanQueued =
            new java.util.concurrent.atomic.AtomicBoolean();
    private ShareWatch watch;

    /**
     * Scans once now (queued behind the first reconcile), then every {@code scanEvery} and moments
     * after the directory watch sees anything; prunes the versions store at start and hourly.
     */
    void start(java.util.concurrent.ScheduledExecutorService thread, java.util.concurrent.Executor io) {
        long every = policy.scanEvery().toMillis();
        thread.execute(() -> TransferTasks.guarded(this::scan));
        thread.scheduleWithFixedDelay(
                () -> TransferTasks.guarded(this::scan), every, every, java.util.concurrent.TimeUnit.MILLISECONDS);
        watch = new ShareWatch(local.shareDir(), () -> {
            if (scanQueued.compareAndSet(false, true)) {
                // a burst of events (an editor's save, a copy in progress) makes one scan
                thread.schedule(
                        () -> {
                            scanQueued.set(false);
                            TransferTasks.guarded(this::scan);
                        },
                        200,
                        java.util.concurrent.TimeUnit.MILLISECONDS);
            }
        });
        watch.start();
        thread.scheduleWithFixedDelay(
                () -> io.execute(() -> TransferTasks.guarded(this::prune)), 0, 1, java.util.concurrent.TimeUnit.HOURS);
    }

    void prune() throws IOException {
        LocalPolicy p = policy;
        int n = versions.prune(
                p.keepVersions(), p.versionsMaxBytes(), Instant.ofEpochMilli(Ambient.currentTimeMillis()));
        if (n > 0) {
            log.info("versions: {} old copies pruned from {}", n, versions.dir());
        }
    }

    void close() {
        if (watch != null) {
            watch.close();
        }
    }

    void policy(LocalPolicy p) {
        policy = p;
    }

    LocalPolicy policy() {
        return policy;
    }

    /** Compares every complete file with what this node wrote there, and deals with the ones changed. */
    void scan() throws IOException {
        for (Map.Entry<String, Hash> e : local.all().entrySet()) {
            String path = e.getKey();
            Path target = local.target(path);
            if (local.keptLocal(path).isPresent()) {
                if (!Files.exists(target)) {
                    // the user gave up their copy: the network's comes back
                    local.forget(path);
                    changes.remove(path);
                    log.info("{}: local copy gone; restoring the network's version", LogText.escape(path));
                    reconciler.reconcile();
                }
                continue;
            }
            Download d = files.get(e.getValue());
            if (d != null && d.isComplete() && local.trees().isInternal(d.completePath)) {
                tree(d, path, target);
                continue;
            }
            if (d == null || !d.isComplete() || local.unchanged(path)) {
                continue; // not in place yet, or being replaced: Completion's guard covers those
            }
            changed(d, path, target);
        }
        changes.entrySet().removeIf(c -> resolved(c.getKey(), c.getValue()));
        try {
            strays = findStrays();
        } catch (java.io.UncheckedIOException e) {
            log.debug("listing the share directory: {}", e.getMessage()); // a file went during the walk: next scan
        }
    }

    /**
     * A tree is the network's as long as its symlink points to its version: edits inside it are not
     * tracked (it is served from its content file, which they do not touch). A symlink deleted or
     * replaced by the user gets the tree written out again (a replacement is kept aside first).
     */
    private void tree(Download d, String path, Path target) {
        if (d.rewriting || local.trees().inPlace(target, d.fileId)) {
            return;
        }
        d.rewriting = true;
        log.warn(
                "{}: the tree's link was changed on this node; writing the network's version out again",
                LogText.escape(path));
        completion.finish(d);
    }

    private void changed(Download d, String path, Path target) throws IOException {
        boolean exists = Files.exists(target);
        String kind = exists ? "modified" : "deleted";
        swarm.withdraw(d);
        bitmaps.delete(d.fileId.bytes());
        if (exists && policy.onChange() == LocalPolicy.OnChange.KEEP_LOCAL) {
            local.keepLocal(path, d.fileId);
            changes.put(path, new Change(kind, null, true));
            log.warn(
                    "{}: modified on this node; kept as it is and no longer served (--local-changes keep-local)."
                            + " Delete or move it to get the network's version back",
                    LogText.escape(path));
            return;
        }
        local.forget(path);
        Path kept = exists ? keepAside(target) : null;
        changes.put(path, new Change(kind, kept, false));
        if (kept != null) {
            log.warn(
                    "{}: modified on this node; your copy is kept as {}; restoring the network's version",
                    LogText.escape(path),
                    LogText.escape(kept.getFileName().toString()));
            BitSet all = new BitSet();
            all.set(0, d.layout.chunkCount());
            // the chunks the edit left alone come from the kept copy, the rest from peers
            adoption.adoptChunks(d.fileId, kept, all);
        } else {
            log.warn("{}: deleted on this node; restoring the network's version", LogText.escape(path));
            reconciler.open(d.entry);
        }
    }

    /**
     * A complete version is about to be renamed onto {@code target}: whatever is there goes to the
     * versions store if it is this node's unchanged copy, else it is kept aside as a conflict copy.
     * Returns where it went, or null if nothing was there.
     */
    Path beforeReplace(String path, Path target) throws IOException {
        if (!Files.exists(target, java.nio.file.LinkOption.NOFOLLOW_LINKS)) {
            return null;
        }
        if (local.version(path).isPresent() && local.keptLocal(path).isEmpty() && local.unchanged(path)) {
            return versions.keep(target, path, true);
        }
        Path kept = keepAside(target);
        changes.put(path, new Change("modified", kept, false));
        log.warn(
                "{}: the copy on this node was not the network's; kept as {} before the network's version takes its place",
                LogText.escape(path),
                LogText.escape(kept.getFileName().toString()));
        return kept;
    }

    /** The local change at {@code path} still worth showing, if any. */
    Optional<Change> change(String path) {
        return Optional.ofNullable(changes.get(path));
    }

    /**
     * Files under the share directory that the network does not have, as of the last scan: added here
     * ({@code added}) or kept aside ({@code conflict}). Reported, never deleted. Kept from the scan so
     * that a status page polled every second does not walk the directory each time.
     */
    List<Map.Entry<String, String>> strays() {
        return strays;
    }

    private volatile List<Map.Entry<String, String>> strays = List.of();

    private List<Map.Entry<String, String>> findStrays() throws IOException {
        Path share = local.shareDir();
        if (!Files.isDirectory(share)) {
            return List.of();
        }
        Map<String, Hash> managed = local.all();
        List<Map.Entry<String, String>> out = new ArrayList<>();
        try (Stream<Path> s = Files.walk(share)) {
            for (Path p : s.filter(Files::isRegularFile).toList()) {
                String rel = share.relativize(p).toString().replace(java.io.File.separatorChar, '/');
                String name = p.getFileName().toString();
                if (managed.containsKey(rel)
                        || name.endsWith(".swiftserve-tmp")
                        || local.trees().isInternal(p)) {
                    continue;
                }
                out.add(Map.entry(rel, name.contains(CONFLICT) ? "conflict" : "added"));
            }
        }
        return out;
    }

    private boolean resolved(String path, Change c) {
        if (c.keptLocal()) {
            return local.keptLocal(path).isEmpty();
        }
        if (c.keptAs() != null) {
            return !Files.exists(c.keptAs());
        }
        // a deleted file is shown until its restored copy is complete
        return local.version(path).isPresent();
    }

    private static Path keepAside(Path target) throws IOException {
        String stamp = LocalDateTime.ofInstant(Instant.ofEpochMilli(Ambient.currentTimeMillis()), ZoneOffset.UTC)
                .format(Versions.ID);
        String base = target.getFileName() + CONFLICT + stamp;
        for (int n = 1; ; n++) {
            Path to = target.resolveSibling(n == 1 ? base : base + "-" + n);
            if (!Files.exists(to, java.nio.file.LinkOption.NOFOLLOW_LINKS)) {
                Files.move(target, to, java.nio.file.StandardCopyOption.ATOMIC_MOVE);
                return to;
            }
        }
    }
}

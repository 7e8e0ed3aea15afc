package io.swiftserve.transfer;

import io.swiftserve.chain.Blockchain;
import io.swiftserve.chain.Hash;
import io.swiftserve.chain.Manifest;
import io.swiftserve.util.Ambient;
import io.swiftserve.util.LogText;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.Executor;
import java.util.function.Consumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Puts a complete version into place. Its own class because three paths end here (the swarm's last
 * chunk, chunks taken from a fetch, a bitmap found complete at start) and each must meet the same
 * race: the ledger may drop the version while its file is being renamed.
 */
final class Completion {
    /** The lines keep the logger they had before this class was split out of TransferService. */
    private static final Logger log = LoggerFactory.getLogger(TransferService.class);

    private final Blockchain chain;
    private final LocalFiles local;
    private final Map<Hash, Download> files;
    private final TransferStats stats;
    private final Executor transferThread;
    private final Executor io;
    private final List<Consumer<CompletedVersion>> completed = new CopyOnWriteArrayList<>();
    private final Versions versions;
    private final ReplaceGuard guard;
    private final Manifests manifests;

    /** Keeps whatever sits where a complete version is about to be renamed; see {@link LocalChanges#beforeReplace}. */
    interface ReplaceGuard {
        Path beforeReplace(String path, Path target) throws IOException;
    }

    Completion(
            Blockchain chain,
            LocalFiles local,
            Map<Hash, Download> files,
            TransferStats stats,
            Executor transferThread,
            Executor io,
            Versions versions,
            ReplaceGuard guard,
            Manifests manifests) {
        this.manifests = manifests;
        this.versions = versions;
        this.guard = guard;
        this.chain = chain;
        this.local = local;
        this.files = files;
        this.stats = stats;
        this.transferThread = transferThread;
        this.io = io;
    }

    /** {@code listener} hears of each version completed here, on the transfer thread. */
    void onComplete(Consumer<CompletedVersion> listener) {
        completed.add(listener);
    }

    /** Complete: fsync, atomic rename into place (replacing an older version), then record it. */
    void finish(Download d) {
        io.execute(() -> {
            try {
                Path target = local.target(d.entry.path());
                if (local.trees().insideTree(target)) {
                    throw new IOException("its path is inside a directory tree of the network");
                }
                Manifest tree = manifests
                        .get(d.entry.manifest())
                        .filter(Manifest::isTree)
                        .orElse(null);
                Path kept = null;
                if (tree != null) {
                    Path content = local.trees().content(target, d.fileId);
                    if (Files.exists(target, LinkOption.NOFOLLOW_LINKS)
                            && !local.trees().isTreeLink(target)) {
                        kept = guard.beforeReplace(d.entry.path(), target); // a file or the user's directory
                    }
                    PartialFile p = d.partial;
                    if (p != null) {
                        p.complete(content);
                    } else if (!Files.isRegularFile(content)) {
                        Files.createDirectories(content.getParent());
                        Files.write(content, new byte[0]); // an all-empty tree: no chunk, no partial
                    }
                    local.trees().putInPlace(target, d.fileId, tree, content);
                    recorded(d, content, target, null);
                    return;
                }
                Path treeDir = local.trees().linkedDir(target);
                boolean wasTree = treeDir != null;
                PartialFile p = d.partial;
                // a file replacing a tree takes the name by the same rename; the tree's versions go after
                if (!wasTree && (p != null || d.layout.chunkCount() == 0)) {
                    // never an overwrite without a trace: the old version to versions/, a local edit aside
                    kept = guard.beforeReplace(d.entry.path(), target);
                }
                // a conflict copy is the user's, not a version this node can take chunks from
                Path keptVersion = kept != null && kept.startsWith(versions.dir()) ? kept : null;
                if (p != null) {
                    p.complete(target);
                } else if (d.layout.chunkCount() == 0) {
                    Files.createDirectories(target.getParent());
                    // a new name, not a truncation: the old file's inode may be the copy just linked into versions/
                    Files.deleteIfExists(target);
                    Files.write(target, new byte[0]);
                }
                if (wasTree) {
                    // the tree this file replaced is kept as a deleted one is
                    if (Files.isDirectory(treeDir, LinkOption.NOFOLLOW_LINKS)) {
                        versions.keep(treeDir, d.entry.path(), false);
                    }
                    local.trees().removeAll(target);
                }
                recorded(d, target, target, keptVersion);
            } catch (IOException e) {
                transferThread.execute(() -> {
                    if (files.get(d.fileId) != d) {
                        // dropped while completing: its partial file was deleted under the rename
                        log.debug("completing {} stopped: {}", d, e.getMessage());
                        return;
                    }
                    log.error("cannot complete {}: {}", d, e.getMessage());
                    d.error = e.getMessage();
                    d.finishing = false;
                    d.rewriting = false;
                });
            }
        });
    }

    /**
     * The version is in place at {@code target}, its content (served from here on) in {@code data}:
     * the same file, or a tree's content file. Records it on the transfer thread and tells the listeners.
     */
    private void recorded(Download d, Path data, Path target, Path keptVersion) {
        transferThread.execute(() -> {
            if (files.get(d.fileId) != d) {
                discardLateCompletion(d);
                return;
            }
            d.completePath = data;
            d.rewriting = false;
            d.partial = null;
            d.hashes = null;
            local.record(d.entry.path(), d.fileId, d.entry.manifest(), keptVersion);
            TransferTasks.guarded(() -> local.stamp(d.entry.path()));
            stats.filesCompleted.incrementAndGet();
            long ms = Math.max(1, (Ambient.nanoTime() - d.startedNanos) / 1_000_000);
            log.info(
                    "file complete: {} v{} ({} bytes) in {} ms, {} MiB/s",
                    LogText.escape(d.entry.path()),
                    d.entry.version(),
                    d.entry.size(),
                    ms,
                    String.format("%.1f", d.entry.size() * 1000.0 / ms / (1 << 20)));
            CompletedVersion v = new CompletedVersion(
                    d.entry.path(), d.entry.version(), d.fileId, d.entry.size(), d.entry.manifest(), target);
            completed.forEach(l -> TransferTasks.guarded(() -> l.accept(v)));
        });
    }

    /**
     * The version left the ledger while its file was being renamed into place, so
     * {@link Reconciler#drop} found nothing recorded at its path. If the path left the ledger too
     * (rm), the file goes: a deleted file must not come back. If a newer version holds the path, the
     * file stays, recorded like any older version, until the newer one replaces it.
     */
    private void discardLateCompletion(Download d) {
        String path = d.entry.path();
        TransferTasks.guarded(() -> {
            if (local.version(path).isPresent()) {
                return;
            }
            if (chain.state().file(path).isEmpty()) {
                Path kept = local.remove(path, versions);
                log.info(
                        "file removed: {} (deleted from the network while it completed){}",
                        LogText.escape(path),
                        kept == null ? "" : "; copy kept in " + kept);
            } else {
                local.record(path, d.fileId);
                local.stamp(path);
            }
        });
    }
}

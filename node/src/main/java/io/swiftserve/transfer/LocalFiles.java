package io.swiftserve.transfer;

import io.swiftserve.chain.FilePaths;
import io.swiftserve.chain.Hash;
import io.swiftserve.store.Bytes;
import io.swiftserve.store.KeyValueStore;
import io.swiftserve.store.Segment;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;

/**
 * The files this node has materialised in its share directory: ledger path -> the file id (version)
 * that sits there, recorded in the store so a restart knows what is complete and what to delete.
 */
final class LocalFiles {
    private static final String PREFIX = "local/";
    /** What this node last wrote at a path: size and modification time, to tell a local edit from its own copy. */
    private static final String STAMP = "stamp/";
    /** Paths whose local edit the user keeps (--local-changes keep-local) -> the version it replaced. */
    private static final String KEPT = "keptlocal/";

    private final KeyValueStore store;
    private final Path shareDir;
    private final VersionBases bases;
    private final Trees trees;

    LocalFiles(KeyValueStore store, Path shareDir) {
        this.store = store;
        this.bases = new VersionBases(store);
        this.shareDir = shareDir.toAbsolutePath().normalize();
        this.trees = new Trees(this.shareDir);
    }

    Trees trees() {
        return trees;
    }

    /**
     * The file holding the content of what sits at {@code path}: the file itself, or for a directory
     * tree the content file behind its symlink.
     */
    Path contentOf(String path) throws IOException {
        Path target = target(path);
        Path content = trees.contentBehind(target);
        return content != null ? content : target;
    }

    /** Where a ledger path lives on disk; refuses any path that would leave the share directory. */
    Path target(String ledgerPath) throws IOException {
        String problem = FilePaths.problem(ledgerPath);
        if (problem != null) {
            throw new IOException("refusing path: " + problem);
        }
        Path p = shareDir.resolve(ledgerPath).normalize();
        if (!p.startsWith(shareDir) || p.equals(shareDir)) {
            throw new IOException("refusing path outside the share directory: " + ledgerPath);
        }
        return p;
    }

    Path shareDir() {
        return shareDir;
    }

    Optional<Hash> version(String path) {
        return store.get(Segment.META, Bytes.prefixed(PREFIX, path)).map(Hash::of);
    }

    void record(String path, Hash fileId) {
        store.batch()
                .put(Segment.META, Bytes.prefixed(PREFIX, path), fileId.bytes())
                .delete(Segment.META, Bytes.prefixed(KEPT, path))
                .commit();
    }

    /**
     * As {@link #record(String, Hash)}, also remembering the version's manifest for the next version of
     * the path, and where the copy it replaced went ({@code keptCopy}, under {@code DIR/versions}; null if
     * none): both seed later versions ({@link VersionBases}).
     */
    void record(String path, Hash fileId, Hash manifest, Path keptCopy) {
        bases.replaced(path, version(path), fileId, manifest, keptCopy);
        record(path, fileId);
    }

    /** The manifests of the copies at each path and of the last one kept from it. */
    VersionBases bases() {
        return bases;
    }

    /** The user keeps their edit of {@code path}, which was version {@code fileId}: not served, not restored. */
    void keepLocal(String path, Hash fileId) {
        store.batch()
                .put(Segment.META, Bytes.prefixed(KEPT, path), fileId.bytes())
                .commit();
    }

    Optional<Hash> keptLocal(String path) {
        return store.get(Segment.META, Bytes.prefixed(KEPT, path)).map(Hash::of);
    }

    /** Records the size and modification time of the file at {@code path} as this node just wrote it. */
    void stamp(String path) throws IOException {
        Path p = target(path);
        if (trees.isTreeLink(p)) {
            // a tree is judged by its symlink (unchanged), not by a size and a time
            store.batch().delete(Segment.META, Bytes.prefixed(STAMP, path)).commit();
            return;
        }
        byte[] v = java.nio.ByteBuffer.allocate(16)
                .putLong(Files.size(p))
                .putLong(Files.getLastModifiedTime(p).to(java.util.concurrent.TimeUnit.NANOSECONDS))
                .array();
        store.batch().put(Segment.META, Bytes.prefixed(STAMP, path), v).commit();
    }

    /**
     * Whether the file at {@code path} is still what this node wrote: same size and modification time. A
     * path written before stamps existed is stamped now and taken as unchanged (nothing to compare with).
     */
    boolean unchanged(String path) throws IOException {
        Path p = target(path);
        Path content = trees.contentBehind(p);
        if (content != null) {
            // edits inside a tree are not tracked: it stays the network's while its link and content are there
            return Files.isDirectory(p) && Files.isRegularFile(content);
        }
        if (!Files.isRegularFile(p)) {
            return false;
        }
        var stored = store.get(Segment.META, Bytes.prefixed(STAMP, path));
        if (stored.isEmpty()) {
            stamp(path);
            return true;
        }
        java.nio.ByteBuffer b = java.nio.ByteBuffer.wrap(stored.get());
        return b.getLong() == Files.size(p)
                && b.getLong() == Files.getLastModifiedTime(p).to(java.util.concurrent.TimeUnit.NANOSECONDS);
    }

    /** Forgets what sits at {@code path} without touching the file (it was kept aside or is the user's now). */
    void forget(String path) {
        bases.forget(path);
        store.batch()
                .delete(Segment.META, Bytes.prefixed(PREFIX, path))
                .delete(Segment.META, Bytes.prefixed(STAMP, path))
                .delete(Segment.META, Bytes.prefixed(KEPT, path))
                .commit();
    }

    Map<String, Hash> all() {
        Map<String, Hash> out = new LinkedHashMap<>();
        byte[] prefix = Bytes.prefixed(PREFIX, "");
        store.scan(
                Segment.META,
                prefix,
                (k, v) -> out.put(
                        new String(k, prefix.length, k.length - prefix.length, java.nio.charset.StandardCharsets.UTF_8),
                        Hash.of(v)));
        return out;
    }

    /**
     * Moves the file at {@code path} into the versions store and forgets it; empty parent directories
     * go. Returns where the copy went, or null if there was no file.
     */
    Path remove(String path, Versions versions) throws IOException {
        Path p = target(path);
        Path kept;
        if (trees.isTreeLink(p)) {
            Path dir = trees.linkedDir(p);
            kept = Files.isDirectory(dir) ? versions.keep(dir, path, false) : null;
            trees.removeAll(p);
        } else {
            kept = Files.exists(p) ? versions.keep(p, path, false) : null;
        }
        for (Path dir = p.getParent();
                dir != null && !dir.equals(shareDir) && dir.startsWith(shareDir);
                dir = dir.getParent()) {
            try (var entries = Files.list(dir)) {
                if (entries.findAny().isPresent()) {
                    break;
                }
            }
            Files.deleteIfExists(dir);
        }
        forget(path);
        return kept;
    }
}

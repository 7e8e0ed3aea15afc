package io.swiftserve.transfer;

import io.swiftserve.chain.Hash;
import io.swiftserve.store.Bytes;
import io.swiftserve.store.KeyValueStore;
import io.swiftserve.store.Segment;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.HashSet;
import java.util.Optional;
import java.util.Set;

/**
 * Which manifest describes this node's own copies of each path: the version on disk there
 * ({@code basis/<path>}: its file id and manifest hash) and the last version replaced there, kept
 * under {@code DIR/versions} ({@code basis-kept/<path>}: manifest hash, then the copy's path). A
 * manifest otherwise goes when the ledger stops naming it; these keep at most two per path, for as
 * long as the copies are this node's, so that a new version's chunks can be looked up in them
 * ({@link VersionReuse}). A manifest that stops being one of them is released to the reconciler,
 * which deletes it unless the ledger names it.
 */
final class VersionBases {
    private static final String ON_DISK = "basis/";
    private static final String KEPT = "basis-kept/";

    private final KeyValueStore store;
    /** Memory only: a manifest released just before a restart stays in the store. */
    private final Set<Hash> released = new HashSet<>();

    VersionBases(KeyValueStore store) {
        this.store = store;
    }

    /** A copy of an earlier version under {@code DIR/versions}, and its manifest. */
    record Kept(Path copy, Hash manifest) {}

    /**
     * Version {@code fileId} now sits at {@code path}, where {@code before} was recorded; the copy that
     * was there went to {@code keptCopy} (null: nowhere this node keeps as its own).
     */
    void replaced(String path, Optional<Hash> before, Hash fileId, Hash manifest, Path keptCopy) {
        Optional<Hash> old = onDisk(path, before);
        var batch = store.batch().put(Segment.META, Bytes.prefixed(ON_DISK, path), pair(fileId, manifest));
        if (keptCopy != null && old.isPresent()) {
            kept(path).map(Kept::manifest).filter(m -> !m.equals(old.get())).ifPresent(this::release);
            byte[] where = keptCopy.toString().getBytes(StandardCharsets.UTF_8);
            batch.put(
                    Segment.META,
                    Bytes.prefixed(KEPT, path),
                    ByteBuffer.allocate(32 + where.length)
                            .put(old.get().bytes())
                            .put(where)
                            .array());
        } else {
            recordedManifest(path).filter(m -> !m.equals(manifest)).ifPresent(this::release);
        }
        batch.commit();
    }

    /** Remembers the manifest of a version put in place before these records existed. */
    void recordOnDisk(String path, Hash fileId, Hash manifest) {
        recordedManifest(path).filter(m -> !m.equals(manifest)).ifPresent(this::release);
        store.batch()
                .put(Segment.META, Bytes.prefixed(ON_DISK, path), pair(fileId, manifest))
                .commit();
    }

    /** The manifest of the copy at {@code path}, if it is still version {@code atPath} (what is recorded there). */
    Optional<Hash> onDisk(String path, Optional<Hash> atPath) {
        Optional<byte[]> v = store.get(Segment.META, Bytes.prefixed(ON_DISK, path));
        if (v.isEmpty() || v.get().length != 64 || atPath.isEmpty()) {
            return Optional.empty();
        }
        boolean same = atPath.get().equals(Hash.of(Arrays.copyOf(v.get(), 32)));
        return same ? Optional.of(Hash.of(Arrays.copyOfRange(v.get(), 32, 64))) : Optional.empty();
    }

    /** The last copy of {@code path} kept under {@code DIR/versions} (it may have been pruned since). */
    Optional<Kept> kept(String path) {
        return store.get(Segment.META, Bytes.prefixed(KEPT, path))
                .filter(v -> v.length > 32)
                .map(v -> new Kept(
                        Path.of(new String(v, 32, v.length - 32, StandardCharsets.UTF_8)),
                        Hash.of(Arrays.copyOf(v, 32))));
    }

    /** The path left this node (removed, or its copy is the user's now): both records go. */
    void forget(String path) {
        recordedManifest(path).ifPresent(this::release);
        kept(path).map(Kept::manifest).ifPresent(this::release);
        store.batch()
                .delete(Segment.META, Bytes.prefixed(ON_DISK, path))
                .delete(Segment.META, Bytes.prefixed(KEPT, path))
                .commit();
    }

    /** Manifests that stopped describing a copy of this node's since the last call. */
    Set<Hash> takeReleased() {
        synchronized (released) {
            Set<Hash> out = Set.copyOf(released);
            released.clear();
            return out;
        }
    }

    private Optional<Hash> recordedManifest(String path) {
        return store.get(Segment.META, Bytes.prefixed(ON_DISK, path))
                .filter(v -> v.length == 64)
                .map(v -> Hash.of(Arrays.copyOfRange(v, 32, 64)));
    }

    private void release(Hash manifest) {
        synchronized (released) {
            released.add(manifest);
        }
    }

    private static byte[] pair(Hash fileId, Hash manifest) {
        return ByteBuffer.allocate(64).put(fileId.bytes()).put(manifest.bytes()).array();
    }
}

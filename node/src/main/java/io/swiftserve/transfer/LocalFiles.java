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

    private final KeyValueStore store;
    private final Path shareDir;

    LocalFiles(KeyValueStore store, Path shareDir) {
        this.store = store;
        this.shareDir = shareDir.toAbsolutePath().normalize();
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

    /** Removes the file at {@code path} and forgets it; empty parent directories go too. */
    void remove(String path) throws IOException {
        Path p = target(path);
        Files.deleteIfExists(p);
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
        store.batch().delete(Segment.META, Bytes.prefixed(PREFIX, path)).commit();
    }
}

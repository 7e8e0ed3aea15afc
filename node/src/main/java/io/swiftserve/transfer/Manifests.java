package io.swiftserve.transfer;

import io.swiftserve.chain.Hash;
import io.swiftserve.chain.InvalidException;
import io.swiftserve.chain.Manifest;
import io.swiftserve.store.KeyValueStore;
import io.swiftserve.store.Segment;
import java.util.Optional;

/** The manifests of the versions this node holds or fetches, one stored copy per manifest hash. */
public final class Manifests {
    private final KeyValueStore store;

    Manifests(KeyValueStore store) {
        this.store = store;
    }

    public void put(Manifest manifest) {
        store.batch()
                .put(Segment.MANIFESTS, manifest.hash().bytes(), manifest.bytes())
                .commit();
    }

    /** The stored manifest named {@code hash}; a stored copy that no longer matches its hash is dropped. */
    public Optional<Manifest> get(Hash hash) {
        Optional<byte[]> bytes = store.get(Segment.MANIFESTS, hash.bytes());
        if (bytes.isEmpty()) {
            return Optional.empty();
        }
        try {
            return Optional.of(Manifest.parse(bytes.get(), hash));
        } catch (InvalidException e) {
            delete(hash);
            return Optional.empty();
        }
    }

    /**
     * The manifest of {@code f} if this node has it. An empty version's manifest is known without
     * asking anyone: it is the one manifest of that size and chunk size, if its hash matches.
     */
    Manifest of(io.swiftserve.chain.FileEntry f) {
        var stored = get(f.manifest());
        if (stored.isPresent()) {
            return stored.get();
        }
        if (f.size() == 0) {
            Manifest empty = Manifest.ofFile(0, f.chunkSize(), new byte[0]);
            if (empty.hash().equals(f.manifest())) {
                put(empty);
                return empty;
            }
        }
        return null;
    }

    boolean contains(Hash hash) {
        return store.get(Segment.MANIFESTS, hash.bytes()).isPresent();
    }

    /** The stored bytes, unparsed, for a peer that asks (the asker checks the hash itself). */
    Optional<byte[]> raw(Hash hash) {
        return store.get(Segment.MANIFESTS, hash.bytes());
    }

    void delete(Hash hash) {
        store.batch().delete(Segment.MANIFESTS, hash.bytes()).commit();
    }
}

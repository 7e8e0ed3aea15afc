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

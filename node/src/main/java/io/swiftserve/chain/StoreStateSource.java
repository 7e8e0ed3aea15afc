package io.swiftserve.chain;

import io.swiftserve.store.KeyValueStore;
import io.swiftserve.store.Segment;
import java.util.Optional;
import java.util.function.BiConsumer;

/** The committed ledger state: the STATE segment of the store. */
final class StoreStateSource implements StateSource {
    private final KeyValueStore store;

    StoreStateSource(KeyValueStore store) {
        this.store = store;
    }

    @Override
    public Optional<byte[]> get(byte[] key) {
        return store.get(Segment.STATE, key);
    }

    @Override
    public void scan(byte[] prefix, BiConsumer<byte[], byte[]> visitor) {
        store.scan(Segment.STATE, prefix, visitor);
    }
}

package io.swiftserve.chain;

import java.util.Optional;
import java.util.function.BiConsumer;

/** Raw ledger-state entries, read from the store or from an overlay of pending changes. */
public interface StateSource {
    Optional<byte[]> get(byte[] key);

    /** Visits every entry whose key starts with {@code prefix}, in key order. */
    void scan(byte[] prefix, BiConsumer<byte[], byte[]> visitor);
}

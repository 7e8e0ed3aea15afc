package io.swiftserve.store;

import java.util.Optional;
import java.util.function.BiConsumer;

/**
 * An ordered byte-key store divided into {@link Segment}s. Writes go through a {@link Batch}, which
 * applies all of its changes atomically: after a crash either all of them are visible or none.
 */
public interface KeyValueStore extends AutoCloseable {

    Optional<byte[]> get(Segment segment, byte[] key);

    /** Visits, in key order, every entry of {@code segment} whose key starts with {@code prefix}. */
    void scan(Segment segment, byte[] prefix, BiConsumer<byte[], byte[]> visitor);

    /** Starts an atomic batch of writes. */
    Batch batch();

    /** Flushes what is buffered and releases the store; idempotent. */
    @Override
    void close();

    /** A set of writes applied together by {@link #commit()}; later writes to one key win. */
    interface Batch {
        Batch put(Segment segment, byte[] key, byte[] value);

        Batch delete(Segment segment, byte[] key);

        /** Applies every change at once; throws {@link StoreException} if the store refuses. */
        void commit();
    }
}

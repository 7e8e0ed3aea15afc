package io.swiftserve.store;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentSkipListMap;
import java.util.function.BiConsumer;

/** A {@link KeyValueStore} in memory, for unit tests; same contract as {@link RocksDbStore}. */
public final class InMemoryStore implements KeyValueStore {
    private final Map<Segment, ConcurrentSkipListMap<byte[], byte[]>> segments = new EnumMap<>(Segment.class);

    public InMemoryStore() {
        for (Segment s : Segment.values()) {
            segments.put(s, new ConcurrentSkipListMap<>(Arrays::compareUnsigned));
        }
    }

    /** An independent store holding what this one holds now (values are never changed in place, so they are shared). */
    public synchronized InMemoryStore copy() {
        InMemoryStore c = new InMemoryStore();
        segments.forEach((s, m) -> c.segments.get(s).putAll(m));
        return c;
    }

    @Override
    public Optional<byte[]> get(Segment segment, byte[] key) {
        return Optional.ofNullable(segments.get(segment).get(key)).map(byte[]::clone);
    }

    @Override
    public void scan(Segment segment, byte[] prefix, BiConsumer<byte[], byte[]> visitor) {
        for (Map.Entry<byte[], byte[]> e :
                segments.get(segment).tailMap(prefix, true).entrySet()) {
            if (!Bytes.startsWith(e.getKey(), prefix)) {
                break;
            }
            visitor.accept(e.getKey().clone(), e.getValue().clone());
        }
    }

    @Override
    public synchronized Batch batch() {
        List<Runnable> ops = new ArrayList<>();
        return new Batch() {
            @Override
            public Batch put(Segment segment, byte[] key, byte[] value) {
                byte[] k = key.clone();
                byte[] v = value.clone();
                ops.add(() -> segments.get(segment).put(k, v));
                return this;
            }

            @Override
            public Batch delete(Segment segment, byte[] key) {
                byte[] k = key.clone();
                ops.add(() -> segments.get(segment).remove(k));
                return this;
            }

            @Override
            public void commit() {
                synchronized (InMemoryStore.this) {
                    ops.forEach(Runnable::run);
                }
            }
        };
    }

    @Override
    public void close() {}
}

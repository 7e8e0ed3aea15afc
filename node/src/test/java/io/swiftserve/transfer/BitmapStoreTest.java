package io.swiftserve.transfer;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.swiftserve.store.InMemoryStore;
import io.swiftserve.store.KeyValueStore;
import io.swiftserve.store.RocksDbStore;
import io.swiftserve.store.Segment;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.concurrent.TimeUnit;
import java.util.function.Function;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

@Timeout(value = 30, unit = TimeUnit.SECONDS)
class BitmapStoreTest {
    private static final byte[] FILE_A = id(1);
    private static final byte[] FILE_B = id(2);

    @TempDir
    Path dir;

    static Stream<Arguments> stores() {
        Function<Path, KeyValueStore> rocks = RocksDbStore::open;
        Function<Path, KeyValueStore> memory = d -> new InMemoryStore();
        return Stream.of(Arguments.of("rocksdb", rocks), Arguments.of("memory", memory));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("stores")
    void savedBitmapsLoadBack(String name, Function<Path, KeyValueStore> open) {
        try (KeyValueStore kv = open.apply(dir)) {
            BitmapStore store = new BitmapStore(kv);
            ChunkBitmap bitmap = new ChunkBitmap(70);
            bitmap.set(0);
            bitmap.set(69);
            store.save(FILE_A, bitmap);

            ChunkBitmap loaded = store.load(FILE_A, 70);
            assertThat(loaded.toBytes()).isEqualTo(bitmap.toBytes());
            assertThat(loaded.cardinality()).isEqualTo(2);
            assertThat(store.load(FILE_B, 70).cardinality()).isZero();
        }
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("stores")
    void aDifferentChunkCountMeansAnotherVersionAndLoadsEmpty(String name, Function<Path, KeyValueStore> open) {
        try (KeyValueStore kv = open.apply(dir)) {
            BitmapStore store = new BitmapStore(kv);
            store.save(FILE_A, ChunkBitmap.full(16));
            assertThat(store.load(FILE_A, 16).isComplete()).isTrue();
            ChunkBitmap other = store.load(FILE_A, 17);
            assertThat(other.chunkCount()).isEqualTo(17);
            assertThat(other.cardinality()).isZero();
        }
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("stores")
    void deleteRemovesTheBitmap(String name, Function<Path, KeyValueStore> open) {
        try (KeyValueStore kv = open.apply(dir)) {
            BitmapStore store = new BitmapStore(kv);
            store.save(FILE_A, ChunkBitmap.full(5));
            store.save(FILE_B, ChunkBitmap.full(5));
            store.delete(FILE_A);
            assertThat(store.load(FILE_A, 5).cardinality()).isZero();
            assertThat(kv.get(Segment.BITMAPS, FILE_A)).isEmpty();
            assertThat(store.load(FILE_B, 5).isComplete()).isTrue();
        }
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("stores")
    void saveToJoinsAnAtomicBatch(String name, Function<Path, KeyValueStore> open) {
        try (KeyValueStore kv = open.apply(dir)) {
            BitmapStore store = new BitmapStore(kv);
            byte[] otherKey = {42};
            KeyValueStore.Batch batch = kv.batch().put(Segment.META, otherKey, new byte[] {7});
            store.saveTo(batch, FILE_A, ChunkBitmap.full(9));

            // nothing is visible before the commit, everything after it
            assertThat(kv.get(Segment.BITMAPS, FILE_A)).isEmpty();
            batch.commit();
            assertThat(store.load(FILE_A, 9).isComplete()).isTrue();
            assertThat(kv.get(Segment.META, otherKey))
                    .hasValueSatisfying(v -> assertThat(v).containsExactly(7));
        }
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("stores")
    void theStoredValueIsTheCountThenTheWireForm(String name, Function<Path, KeyValueStore> open) {
        try (KeyValueStore kv = open.apply(dir)) {
            ChunkBitmap bitmap = new ChunkBitmap(10);
            bitmap.set(9);
            new BitmapStore(kv).save(FILE_A, bitmap);
            assertThat(kv.get(Segment.BITMAPS, FILE_A))
                    .hasValueSatisfying(v -> assertThat(v).containsExactly(0, 0, 0, 10, 0, 0x02));
        }
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("stores")
    void aCorruptValueLoadsEmptyRatherThanTrustingIt(String name, Function<Path, KeyValueStore> open) {
        try (KeyValueStore kv = open.apply(dir)) {
            // count 10 but a bit set for chunk 15
            kv.batch()
                    .put(Segment.BITMAPS, FILE_A, new byte[] {0, 0, 0, 10, 0, (byte) 0x80})
                    .commit();
            kv.batch().put(Segment.BITMAPS, FILE_B, new byte[] {0, 0}).commit();
            BitmapStore store = new BitmapStore(kv);
            assertThat(store.load(FILE_A, 10).cardinality()).isZero();
            assertThat(store.load(FILE_B, 10).cardinality()).isZero();
        }
    }

    @Test
    void bitmapsSurviveAReopenOfRocksDb() {
        ChunkBitmap bitmap = new ChunkBitmap(4096);
        for (int i = 0; i < 4096; i += 3) {
            bitmap.set(i);
        }
        try (RocksDbStore kv = RocksDbStore.open(dir)) {
            new BitmapStore(kv).save(FILE_A, bitmap);
        }
        try (RocksDbStore kv = RocksDbStore.open(dir)) {
            assertThat(new BitmapStore(kv).load(FILE_A, 4096).toBytes()).isEqualTo(bitmap.toBytes());
        }
    }

    @Test
    void fileIdsMustBe32Bytes() {
        BitmapStore store = new BitmapStore(new InMemoryStore());
        assertThatThrownBy(() -> store.load(new byte[31], 1)).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> store.save(new byte[33], new ChunkBitmap(1)))
                .isInstanceOf(IllegalArgumentException.class);
    }

    private static byte[] id(int seed) {
        byte[] id = new byte[32];
        Arrays.fill(id, (byte) seed);
        return id;
    }
}

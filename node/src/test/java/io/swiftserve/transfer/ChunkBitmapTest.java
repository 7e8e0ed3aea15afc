package io.swiftserve.transfer;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

@Timeout(value = 10, unit = TimeUnit.SECONDS)
class ChunkBitmapTest {

    @Test
    void setGetAndCompleteness() {
        ChunkBitmap bitmap = new ChunkBitmap(3);
        assertThat(bitmap.isComplete()).isFalse();
        assertThat(bitmap.set(1)).isTrue();
        assertThat(bitmap.set(1)).isFalse();
        assertThat(bitmap.get(0)).isFalse();
        assertThat(bitmap.get(1)).isTrue();
        assertThat(bitmap.cardinality()).isEqualTo(1);
        bitmap.set(0);
        bitmap.set(2);
        assertThat(bitmap.isComplete()).isTrue();
        assertThatThrownBy(() -> bitmap.set(3)).isInstanceOf(IndexOutOfBoundsException.class);
        assertThatThrownBy(() -> bitmap.get(-1)).isInstanceOf(IndexOutOfBoundsException.class);
    }

    @Test
    void anEmptyFileIsComplete() {
        assertThat(new ChunkBitmap(0).isComplete()).isTrue();
        assertThat(new ChunkBitmap(0).toBytes()).isEmpty();
        assertThat(ChunkBitmap.fromBytes(0, new byte[0]).isComplete()).isTrue();
    }

    @Test
    void wireFormIsLeastSignificantBitFirst() {
        ChunkBitmap bitmap = new ChunkBitmap(20);
        bitmap.set(0);
        bitmap.set(9);
        bitmap.set(19);
        assertThat(bitmap.toBytes()).containsExactly(0x01, 0x02, 0x08);
    }

    @Test
    void wireFormCrossesWordBoundaries() {
        ChunkBitmap bitmap = new ChunkBitmap(200);
        int[] set = {0, 7, 8, 63, 64, 65, 127, 128, 199};
        for (int i : set) {
            bitmap.set(i);
        }
        byte[] bytes = bitmap.toBytes();
        assertThat(bytes).hasSize(25);
        for (int i = 0; i < 200; i++) {
            boolean expected = (bytes[i >> 3] & (1 << (i & 7))) != 0;
            assertThat(bitmap.get(i)).as("chunk %d", i).isEqualTo(expected);
        }
        ChunkBitmap parsed = ChunkBitmap.fromBytes(200, bytes);
        assertThat(parsed.cardinality()).isEqualTo(set.length);
        assertThat(parsed.toBytes()).isEqualTo(bytes);
    }

    @Test
    void fromBytesRejectsALongerArray() {
        assertThatThrownBy(() -> ChunkBitmap.fromBytes(16, new byte[3])).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> ChunkBitmap.fromBytes(0, new byte[1])).isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void fromBytesRejectsBitsBeyondTheChunkCount() {
        // 10 chunks: byte 1 may use bits 0 and 1 only
        assertThat(ChunkBitmap.fromBytes(10, new byte[] {(byte) 0xFF, 0x03}).isComplete())
                .isTrue();
        assertThatThrownBy(() -> ChunkBitmap.fromBytes(10, new byte[] {0, 0x04}))
                .isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> ChunkBitmap.fromBytes(10, new byte[] {0, (byte) 0x80}))
                .isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void aShorterArrayMeansTheRestIsMissing() {
        ChunkBitmap bitmap = ChunkBitmap.fromBytes(20, new byte[] {0x05});
        assertThat(bitmap.cardinality()).isEqualTo(2);
        assertThat(bitmap.get(0)).isTrue();
        assertThat(bitmap.get(2)).isTrue();
        assertThat(bitmap.toBytes()).containsExactly(0x05, 0, 0);
    }

    @Test
    void nextClearAndNextSet() {
        ChunkBitmap bitmap = ChunkBitmap.full(130);
        assertThat(bitmap.nextClear(0)).isEqualTo(-1);
        ChunkBitmap sparse = new ChunkBitmap(130);
        sparse.set(70);
        sparse.set(129);
        assertThat(sparse.nextSet(0)).isEqualTo(70);
        assertThat(sparse.nextSet(71)).isEqualTo(129);
        assertThat(sparse.nextSet(130)).isEqualTo(-1);
        ChunkBitmap holes = new ChunkBitmap(130);
        for (int i = 0; i < 130; i++) {
            if (i != 65 && i != 128) {
                holes.set(i);
            }
        }
        assertThat(holes.nextClear(0)).isEqualTo(65);
        assertThat(holes.nextClear(66)).isEqualTo(128);
        assertThat(holes.nextClear(129)).isEqualTo(-1);
        List<Integer> missing = new ArrayList<>();
        for (int i = holes.nextClear(0); i >= 0; i = holes.nextClear(i + 1)) {
            missing.add(i);
        }
        assertThat(missing).containsExactly(65, 128);
    }

    @Test
    void concurrentSetsAreAllCounted() throws Exception {
        int chunks = 4096;
        ChunkBitmap bitmap = new ChunkBitmap(chunks);
        ExecutorService pool = Executors.newFixedThreadPool(4);
        try {
            List<Future<Integer>> newlySet = new ArrayList<>();
            for (int t = 0; t < 4; t++) {
                // every thread sets every chunk: each must be counted exactly once overall
                newlySet.add(pool.submit(() -> {
                    int n = 0;
                    for (int i = 0; i < chunks; i++) {
                        n += bitmap.set(i) ? 1 : 0;
                    }
                    return n;
                }));
            }
            int total = 0;
            for (Future<Integer> f : newlySet) {
                total += f.get();
            }
            assertThat(total).isEqualTo(chunks);
            assertThat(bitmap.cardinality()).isEqualTo(chunks);
            assertThat(bitmap.isComplete()).isTrue();
        } finally {
            pool.shutdownNow();
        }
    }
}

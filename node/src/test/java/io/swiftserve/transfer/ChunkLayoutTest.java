package io.swiftserve.transfer;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

@Timeout(value = 10, unit = TimeUnit.SECONDS)
class ChunkLayoutTest {
    private static final int KIB = 1024;
    private static final int MIB = 1024 * KIB;
    private static final long GIB = 1024L * MIB;

    @ParameterizedTest
    @CsvSource({
        "0, 131072, 0",
        "1, 131072, 1",
        "131072, 131072, 1",
        "131073, 131072, 2",
        // 128 MiB is exactly 1024 chunks of 128 KiB; one more byte needs the next size
        "134217728, 131072, 1024",
        "134217729, 262144, 513",
        "268435456, 262144, 1024",
        "268435457, 524288, 513",
        "536870912, 524288, 1024",
        "1073741824, 1048576, 1024",
        "17179869184, 16777216, 1024",
        // past 16 GiB the chunk size is capped and the count grows
        "17179869185, 16777216, 1025",
    })
    void forSizePicksTheSmallestChunkSizeWithAtMost1024Chunks(long size, int chunkSize, int chunks) {
        ChunkLayout layout = ChunkLayout.forSize(size);
        assertThat(layout.chunkSize()).isEqualTo(chunkSize);
        assertThat(layout.chunkCount()).isEqualTo(chunks);
        assertThat(layout.size()).isEqualTo(size);
    }

    @Test
    void everyChosenLayoutIsValidAndCoversTheFile() {
        for (long size = 0; size < 300 * GIB; size = size * 3 + 12345) {
            ChunkLayout layout = ChunkLayout.forSize(size);
            assertThat(ChunkLayout.validChunkSize(layout.chunkSize())).isTrue();
            int n = layout.chunkCount();
            if (n > 0) {
                assertThat(layout.offset(n - 1) + layout.length(n - 1)).isEqualTo(size);
                assertThat(layout.length(n - 1)).isBetween(1, layout.chunkSize());
            }
            if (layout.chunkSize() > ChunkLayout.MIN_CHUNK_SIZE) {
                // a smaller chunk size would have given too many chunks
                assertThat((size + layout.chunkSize() / 2 - 1) / (layout.chunkSize() / 2))
                        .isGreaterThan(ChunkLayout.TARGET_MAX_CHUNKS);
            }
        }
    }

    @Test
    void offsetsAndLengthsWithAShortLastChunk() {
        ChunkLayout layout = new ChunkLayout(3L * MIB + 10, 1 * MIB);
        assertThat(layout.chunkCount()).isEqualTo(4);
        assertThat(layout.offset(0)).isZero();
        assertThat(layout.offset(3)).isEqualTo(3L * MIB);
        assertThat(layout.length(2)).isEqualTo(MIB);
        assertThat(layout.length(3)).isEqualTo(10);
        assertThatThrownBy(() -> layout.offset(4)).isInstanceOf(IndexOutOfBoundsException.class);
        assertThatThrownBy(() -> layout.length(-1)).isInstanceOf(IndexOutOfBoundsException.class);
    }

    @Test
    void offsetsOfLargeFilesDoNotOverflow() {
        ChunkLayout layout = ChunkLayout.forSize(200 * GIB);
        int last = layout.chunkCount() - 1;
        assertThat(layout.offset(last)).isEqualTo((long) last * 16 * MIB);
        assertThat(layout.length(last)).isEqualTo(16 * MIB);
    }

    @ParameterizedTest
    @CsvSource({
        "0, 262144",
        // a file this size gets 128 KiB chunks; a tree keeps 256 KiB
        "67108864, 262144",
        "268435456, 262144",
        "268435457, 524288",
        "1073741824, 1048576",
    })
    void aTreeGetsAFilesChunkSizeButNeverLessThan256KiB(long size, int chunkSize) {
        assertThat(ChunkLayout.treeChunkSize(size, 0)).isEqualTo(chunkSize);
        assertThat(ChunkLayout.forSize(size).chunkSize()).isLessThanOrEqualTo(chunkSize);
    }

    @ParameterizedTest
    @CsvSource({
        // grown past 128 MiB: keeps 128 KiB, so the chunks it had are reused
        "134217729, 131072, 131072",
        // shrunk below 128 MiB: keeps 256 KiB
        "1048576, 262144, 262144",
        // more than a factor of two off the fresh choice: the fresh choice
        "314572800, 131072, 524288",
        "1048576, 1048576, 131072",
        // not a valid chunk size at all
        "1048576, 1000, 131072",
        // past 16 GiB a halved chunk size would pass the chunk count the chain accepts
        "1099511627776, 8388608, 16777216",
    })
    void aNewVersionKeepsItsChunkSizeWithinAFactorOfTwo(long size, int previous, int chunkSize) {
        ChunkLayout layout = ChunkLayout.forNextVersion(size, previous);
        assertThat(layout.chunkSize()).isEqualTo(chunkSize);
        assertThat(layout.size()).isEqualTo(size);
    }

    @ParameterizedTest
    @CsvSource({
        // grown past 256 MiB: keeps 256 KiB
        "314572800, 262144, 262144",
        // shrunk below 256 MiB: keeps 512 KiB
        "209715200, 524288, 524288",
        // a file's 128 KiB is below a tree's smallest: 256 KiB
        "67108864, 131072, 262144",
        "67108864, 1048576, 262144",
    })
    void aTreesNewVersionKeepsItsChunkSizeWithinAFactorOfTwo(long size, int previous, int chunkSize) {
        assertThat(ChunkLayout.treeChunkSize(size, previous)).isEqualTo(chunkSize);
    }

    @Test
    void validChunkSizes() {
        assertThat(ChunkLayout.validChunkSize(256 * KIB)).isTrue();
        assertThat(ChunkLayout.validChunkSize(16 * MIB)).isTrue();
        assertThat(ChunkLayout.validChunkSize(4 * MIB)).isTrue();
        assertThat(ChunkLayout.validChunkSize(128 * KIB)).isTrue();
        assertThat(ChunkLayout.validChunkSize(64 * KIB)).isFalse();
        assertThat(ChunkLayout.validChunkSize(32 * MIB)).isFalse();
        assertThat(ChunkLayout.validChunkSize(3 * MIB)).isFalse();
        assertThat(ChunkLayout.validChunkSize(0)).isFalse();
        assertThat(ChunkLayout.validChunkSize(Integer.MIN_VALUE)).isFalse();
    }

    @Test
    void explicitLayoutsAreValidated() {
        assertThat(ChunkLayout.of(10, 512 * KIB).chunkCount()).isEqualTo(1);
        assertThatThrownBy(() -> new ChunkLayout(10, 1000)).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> new ChunkLayout(-1, MIB)).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> new ChunkLayout(Long.MAX_VALUE, 256 * KIB))
                .isInstanceOf(IllegalArgumentException.class);
    }
}

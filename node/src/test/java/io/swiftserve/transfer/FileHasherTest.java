package io.swiftserve.transfer;

import static io.swiftserve.cluster.TestFiles.randomBytes;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.swiftserve.identity.Sha256;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

@Timeout(value = 30, unit = TimeUnit.SECONDS)
class FileHasherTest {
    private static final int CHUNK = ChunkLayout.MIN_CHUNK_SIZE;

    @TempDir
    Path dir;

    @Test
    void hashesEveryChunkIncludingAShortLastOne() throws IOException {
        byte[] data = randomBytes(3 * CHUNK + 1000, 1);
        Path file = write("a.bin", data);
        ChunkLayout layout = new ChunkLayout(data.length, CHUNK);

        assertThat(FileHasher.hashChunks(file, layout, null)).isEqualTo(expectedHashes(data, layout));
    }

    @Test
    void bufferBoundariesThatSplitChunksDoNotChangeTheHashes() throws IOException {
        byte[] data = randomBytes(5 * CHUNK + 7, 2);
        Path file = write("b.bin", data);
        ChunkLayout layout = new ChunkLayout(data.length, CHUNK);
        byte[] expected = expectedHashes(data, layout);

        // smaller than a chunk and not dividing it, and larger than a chunk and not a multiple of it
        for (int bufferSize : new int[] {100_003, CHUNK, 3 * CHUNK + 5, 64 * CHUNK}) {
            assertThat(FileHasher.hashChunks(file, layout, null, bufferSize))
                    .as("buffer %d", bufferSize)
                    .isEqualTo(expected);
        }
    }

    @Test
    void progressIsMonotonicEndsAtTheSizeAndIsNotChatty() throws IOException {
        byte[] data = randomBytes(20 * 1024 * 1024 + 5, 3);
        Path file = write("c.bin", data);
        List<Long> reports = new ArrayList<>();

        FileHasher.hashChunks(file, ChunkLayout.forSize(data.length), reports::add);

        assertThat(reports).isSorted().last().isEqualTo((long) data.length);
        assertThat(reports.size()).isBetween(2, (int) (data.length / FileHasher.PROGRESS_INTERVAL) + 1);
        for (int i = 1; i < reports.size() - 1; i++) {
            assertThat(reports.get(i) - reports.get(i - 1)).isGreaterThanOrEqualTo(FileHasher.PROGRESS_INTERVAL);
        }
    }

    @Test
    void anEmptyFileHasNoChunks() throws IOException {
        Path file = write("empty", new byte[0]);
        List<Long> reports = new ArrayList<>();
        assertThat(FileHasher.hashChunks(file, ChunkLayout.forSize(0), reports::add))
                .isEmpty();
        assertThat(reports).containsExactly(0L);
    }

    @Test
    void aFileOfTheWrongSizeIsRefused() throws IOException {
        Path file = write("d.bin", randomBytes(1000, 4));
        assertThatThrownBy(() -> FileHasher.hashChunks(file, ChunkLayout.forSize(1001), null))
                .isInstanceOf(IOException.class)
                .hasMessageContaining("1001");
    }

    @Test
    void hashChunkMatchesAndLeavesThePosition() {
        byte[] data = randomBytes(5000, 5);
        ByteBuffer direct = ByteBuffer.allocateDirect(data.length).put(data).flip();
        byte[] hash = FileHasher.hashChunk(direct);
        assertThat(hash).isEqualTo(Sha256.hash(data));
        assertThat(direct.remaining()).isEqualTo(data.length);
        assertThat(FileHasher.hashChunk(ByteBuffer.wrap(data))).isEqualTo(hash);
    }

    @Test
    void matchesChecksAChunkAgainstItsHash() throws IOException {
        byte[] data = randomBytes(2 * CHUNK + 3, 6);
        ChunkLayout layout = new ChunkLayout(data.length, CHUNK);
        byte[] hashes = FileHasher.hashChunks(write("e.bin", data), layout, null);
        ByteBuffer second = ByteBuffer.wrap(data, CHUNK, CHUNK);

        assertThat(FileHasher.matches(second, hashes, 1)).isTrue();
        assertThat(FileHasher.matches(second, hashes, 0)).isFalse();
        data[CHUNK + 17] ^= 1;
        assertThat(FileHasher.matches(second, hashes, 1)).isFalse();
        assertThatThrownBy(() -> FileHasher.matches(second, hashes, 3)).isInstanceOf(IndexOutOfBoundsException.class);
    }

    private Path write(String name, byte[] data) throws IOException {
        return Files.write(dir.resolve(name), data);
    }

    /** An independent, obviously-correct computation: one digest per slice of the whole array. */
    private static byte[] expectedHashes(byte[] data, ChunkLayout layout) {
        byte[] out = new byte[layout.chunkCount() * 32];
        for (int i = 0; i < layout.chunkCount(); i++) {
            MessageDigest digest = Sha256.newDigest();
            int from = (int) layout.offset(i);
            digest.update(Arrays.copyOfRange(data, from, from + layout.length(i)));
            System.arraycopy(digest.digest(), 0, out, i * 32, 32);
        }
        return out;
    }
}

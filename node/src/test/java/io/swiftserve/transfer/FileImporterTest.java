package io.swiftserve.transfer;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.swiftserve.cluster.TestFiles;
import io.swiftserve.identity.Sha256;
import java.io.ByteArrayInputStream;
import java.io.FilterInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

@Timeout(value = 30, unit = TimeUnit.SECONDS)
class FileImporterTest {
    @TempDir
    Path dir;

    @Test
    void copiesTheStreamAndHashesEveryChunk() throws IOException {
        byte[] data = TestFiles.randomBytes(3 * ChunkLayout.MIN_CHUNK_SIZE + 1000, 1);
        ChunkLayout layout = ChunkLayout.forSize(data.length);

        FileImporter.Staged staged = FileImporter.stage(new ByteArrayInputStream(data), layout, dir);

        assertThat(Files.readAllBytes(staged.file())).isEqualTo(data);
        assertThat(staged.chunkHashes()).isEqualTo(expectedHashes(data, layout));
    }

    @Test
    void chunksLargerThanTheBuffersAndShortReadsHashTheSame() throws IOException {
        // 2 MiB chunks span the importer's 1 MiB buffers; a stream that returns odd-sized reads
        // moves every buffer boundary
        byte[] data = TestFiles.randomBytes(5 * 1024 * 1024 + 12345, 2);
        ChunkLayout layout = ChunkLayout.of(data.length, 2 * 1024 * 1024);

        FileImporter.Staged staged = FileImporter.stage(new OddReads(new ByteArrayInputStream(data)), layout, dir);

        assertThat(staged.chunkHashes()).isEqualTo(expectedHashes(data, layout));
        assertThat(TestFiles.sha256(staged.file())).isEqualTo(TestFiles.sha256(data));
    }

    @Test
    void anEmptyFileHasNoChunks() throws IOException {
        FileImporter.Staged staged = FileImporter.stage(InputStream.nullInputStream(), ChunkLayout.forSize(0), dir);

        assertThat(staged.chunkHashes()).isEmpty();
        assertThat(Files.size(staged.file())).isZero();
    }

    @ParameterizedTest
    // under the 1 MiB buffer a file is hashed on the calling thread; above it, on a thread of its own
    @ValueSource(ints = {1_000_000, 3_000_000})
    void aShorterOrLongerStreamFailsAndLeavesNothingBehind(int size) throws IOException {
        byte[] data = TestFiles.randomBytes(size, 3);

        assertThatThrownBy(() -> FileImporter.stage(
                        new ByteArrayInputStream(data, 0, size - 1), ChunkLayout.forSize(data.length), dir))
                .isInstanceOf(IOException.class)
                .hasMessageContaining("ended after " + (size - 1) + " of " + size + " bytes");
        assertThatThrownBy(
                        () -> FileImporter.stage(new ByteArrayInputStream(data), ChunkLayout.forSize(size - 1000), dir))
                .isInstanceOf(IOException.class)
                .hasMessageContaining("larger than announced");
        try (var left = Files.list(dir)) {
            assertThat(left).isEmpty();
        }
    }

    private static byte[] expectedHashes(byte[] data, ChunkLayout layout) {
        byte[] out = new byte[layout.chunkCount() * Sha256.LENGTH];
        for (int i = 0; i < layout.chunkCount(); i++) {
            MessageDigest d = Sha256.newDigest();
            d.update(data, (int) layout.offset(i), layout.length(i));
            System.arraycopy(d.digest(), 0, out, i * Sha256.LENGTH, Sha256.LENGTH);
        }
        return out;
    }

    /** Hands out at most 7,777 bytes per read, like a slow socket. */
    private static final class OddReads extends FilterInputStream {
        OddReads(InputStream in) {
            super(in);
        }

        @Override
        public int read(byte[] b, int off, int len) throws IOException {
            return super.read(b, off, Math.min(len, 7777));
        }
    }
}

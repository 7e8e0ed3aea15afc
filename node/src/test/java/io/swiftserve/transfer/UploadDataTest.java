package io.swiftserve.transfer;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.swiftserve.chain.FileEntry;
import io.swiftserve.chain.Hash;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.Random;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * An upload opens its chunk's file when the connection drains, which can be after the download
 * that holds the chunk completed and renamed its partial file into place. The open must follow
 * the rename: a region Netty cannot open closes the whole peer connection.
 */
@Timeout(value = 30, unit = TimeUnit.SECONDS)
class UploadDataTest {
    private static final int CHUNK = ChunkLayout.MIN_CHUNK_SIZE;

    @TempDir
    Path dir;

    private final byte[] data = new byte[3 * CHUNK + 100];
    private final Hash fileId = Hash.of(new byte[32]);

    {
        new Random(5).nextBytes(data);
    }

    @Test
    void theDataIsFoundAfterTheDownloadRenamedItIntoPlace() throws IOException {
        Download d = downloadWithAllChunks();
        Path partialPath = d.partial.path();
        assertThat(read(UploadQueue.openData(d), 1)).isEqualTo(chunk(1));

        Path target = dir.resolve("share/dir/file.bin");
        d.partial.complete(target); // the download finished; the transfer thread has not caught up yet
        assertThat(partialPath).doesNotExist();
        assertThat(d.isComplete()).isFalse();

        assertThat(read(UploadQueue.openData(d), 2)).isEqualTo(chunk(2));
    }

    @Test
    void aDroppedVersionHasNoDataToServe() throws IOException {
        Download d = downloadWithAllChunks();
        d.partial.delete();
        assertThatThrownBy(() -> UploadQueue.openData(d)).isInstanceOf(NoSuchFileException.class);
    }

    private Download downloadWithAllChunks() throws IOException {
        ChunkLayout layout = new ChunkLayout(data.length, CHUNK);
        byte[] hashes = new byte[32 * layout.chunkCount()];
        FileEntry entry = new FileEntry("dir/file.bin", fileId, 1, data.length, CHUNK, Hash.of(new byte[32]), null, 2);
        PartialFile partial = PartialFile.open(dir.resolve("partial"), fileId.bytes(), layout);
        for (int i = 0; i < layout.chunkCount(); i++) {
            partial.writeChunk(i, ByteBuffer.wrap(data, (int) layout.offset(i), layout.length(i)));
        }
        return new Download(entry, layout, hashes, partial, ChunkBitmap.full(layout.chunkCount()));
    }

    private byte[] chunk(int index) {
        ChunkLayout layout = new ChunkLayout(data.length, CHUNK);
        byte[] out = new byte[layout.length(index)];
        System.arraycopy(data, (int) layout.offset(index), out, 0, out.length);
        return out;
    }

    private byte[] read(FileChannel file, int index) throws IOException {
        try (file) {
            ChunkLayout layout = new ChunkLayout(data.length, CHUNK);
            ByteBuffer b = ByteBuffer.allocate(layout.length(index));
            while (b.hasRemaining() && file.read(b, layout.offset(index) + b.position()) >= 0) {
                // read fully
            }
            return b.array();
        }
    }
}

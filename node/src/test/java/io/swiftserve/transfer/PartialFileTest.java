package io.swiftserve.transfer;

import static io.swiftserve.cluster.TestFiles.randomBytes;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.ClosedByInterruptException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.List;
import java.util.Random;
import java.util.concurrent.Callable;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

@Timeout(value = 30, unit = TimeUnit.SECONDS)
class PartialFileTest {
    private static final int CHUNK = ChunkLayout.MIN_CHUNK_SIZE;
    private static final byte[] FILE_ID = new byte[32];

    static {
        FILE_ID[0] = (byte) 0xAB;
        FILE_ID[31] = 0x01;
    }

    @TempDir
    Path dir;

    private final byte[] data = randomBytes(6 * CHUNK + 123, 3);
    private final ChunkLayout layout = new ChunkLayout(data.length, CHUNK);

    @Test
    void openPreallocatesUnderTheHexFileId() throws IOException {
        Path partials = dir.resolve("partial");
        try (PartialFile part = PartialFile.open(partials, FILE_ID, layout)) {
            assertThat(part.path()).isEqualTo(partials.resolve("ab" + "00".repeat(30) + "01.part"));
            assertThat(Files.size(part.path())).isEqualTo(data.length);
        }
    }

    @Test
    void chunksWrittenConcurrentlyInAnyOrderReadBack() throws Exception {
        List<Integer> order = new ArrayList<>();
        for (int i = 0; i < layout.chunkCount(); i++) {
            order.add(i);
        }
        Collections.shuffle(order, new Random(7));
        ExecutorService pool = Executors.newFixedThreadPool(4);
        try (PartialFile part = PartialFile.open(dir, FILE_ID, layout)) {
            List<Future<Object>> writes = new ArrayList<>();
            for (int index : order) {
                writes.add(pool.submit((Callable<Object>) () -> {
                    part.writeChunk(index, chunk(index));
                    return null;
                }));
            }
            for (Future<Object> w : writes) {
                w.get();
            }
            for (int i = 0; i < layout.chunkCount(); i++) {
                assertThat(part.readChunk(i)).isEqualTo(chunk(i));
            }
            part.sync();
            assertThat(Files.readAllBytes(part.path())).isEqualTo(data);
        } finally {
            pool.shutdownNow();
        }
    }

    @Test
    void writeChunkLeavesTheCallersBufferAndChecksTheLength() throws IOException {
        try (PartialFile part = PartialFile.open(dir, FILE_ID, layout)) {
            ByteBuffer last = chunk(6);
            part.writeChunk(6, last);
            assertThat(last.remaining()).isEqualTo(123);
            assertThatThrownBy(() -> part.writeChunk(0, chunk(6))).isInstanceOf(IllegalArgumentException.class);
            assertThatThrownBy(() -> part.writeChunk(7, chunk(6))).isInstanceOf(IndexOutOfBoundsException.class);
        }
    }

    @Test
    void reopeningKeepsWhatWasWritten() throws IOException {
        try (PartialFile part = PartialFile.open(dir, FILE_ID, layout)) {
            part.writeChunk(2, chunk(2));
            part.writeChunk(6, chunk(6));
            part.sync();
        }
        try (PartialFile part = PartialFile.open(dir, FILE_ID, layout)) {
            assertThat(part.readChunk(2)).isEqualTo(chunk(2));
            assertThat(part.readChunk(6)).isEqualTo(chunk(6));
            assertThat(Files.size(part.path())).isEqualTo(data.length);
        }
    }

    @Test
    void reopeningFixesAWrongLength() throws IOException {
        Path path;
        try (PartialFile part = PartialFile.open(dir, FILE_ID, layout)) {
            part.writeChunk(0, chunk(0));
            path = part.path();
        }
        Files.write(path, new byte[10], java.nio.file.StandardOpenOption.APPEND);
        try (PartialFile part = PartialFile.open(dir, FILE_ID, layout)) {
            assertThat(Files.size(path)).isEqualTo(data.length);
            assertThat(part.readChunk(0)).isEqualTo(chunk(0));
        }
    }

    @Test
    void completeMovesTheFileIntoPlaceReplacingAnOldVersion() throws IOException {
        Path target = oldVersionAt("files/deep/er/big.iso");
        PartialFile part = withEveryChunk();
        Path partialPath = part.path();
        part.complete(target);

        assertThat(Files.readAllBytes(target)).isEqualTo(data);
        assertThat(partialPath).doesNotExist();
        assertThat(part.path()).as("where the data is now").isEqualTo(target);
        assertThatThrownBy(() -> part.writeChunk(0, chunk(0))).isInstanceOf(IOException.class);
    }

    @Test
    void completeCreatesMissingParents() throws IOException {
        Path target = dir.resolve("new/dir/file.bin");
        try (PartialFile part = PartialFile.open(dir.resolve("partial"), FILE_ID, new ChunkLayout(0, CHUNK))) {
            part.complete(target);
        }
        assertThat(target).exists().isEmptyFile();
    }

    @Test
    void aReaderInTheInstantOfTheRenameOpensTheTarget() throws IOException {
        // the partial name is gone, the completing thread has not yet recorded where the data went
        Path renamedAway = dir.resolve("partial/gone.part");
        Path target = dir.resolve("files/big.iso");
        Files.createDirectories(target.getParent());
        Files.write(target, data);
        try (var file = PartialFile.openFollowingRename(renamedAway, () -> target)) {
            assertThat(file.size()).isEqualTo(data.length);
        }
        assertThatThrownBy(() -> PartialFile.openFollowingRename(renamedAway, () -> null))
                .as("deleted, not renamed: nothing to serve")
                .isInstanceOf(java.nio.file.NoSuchFileException.class);
    }

    @Test
    void aReaderOpensThePartialFileUntilTheRenameAndTheTargetAfterIt() throws IOException {
        Path target = oldVersionAt("files/big.iso");
        PartialFile part = withEveryChunk();
        try (var before = part.openForReading()) {
            assertThat(before.size())
                    .as("the new data, not the old version at the target")
                    .isEqualTo(data.length);
        }
        part.complete(target);
        try (var after = part.openForReading()) {
            assertThat(after.size()).isEqualTo(data.length);
        }
    }

    @Test
    void aDeletedPartialFileIsNotServedFromAnywhere() throws IOException {
        PartialFile part = PartialFile.open(dir.resolve("partial"), FILE_ID, layout);
        part.delete();
        assertThatThrownBy(part::openForReading).isInstanceOf(java.nio.file.NoSuchFileException.class);
    }

    @Test
    void aBackgroundFlushIsClaimedOnceEveryFewMebibytesWritten() throws IOException {
        int perFlush = (int) (PartialFile.WRITEBACK_BYTES / CHUNK);
        ChunkLayout big = new ChunkLayout(3 * PartialFile.WRITEBACK_BYTES, CHUNK);
        ByteBuffer chunk = ByteBuffer.allocate(CHUNK);
        try (PartialFile part = PartialFile.open(dir.resolve("partial"), FILE_ID, big)) {
            for (int i = 0; i < perFlush - 1; i++) {
                part.writeChunk(i, chunk.clear());
                assertThat(part.claimWriteback()).as("after %d chunks", i + 1).isFalse();
            }
            part.writeChunk(perFlush - 1, chunk.clear());
            assertThat(part.claimWriteback()).isTrue();
            part.writeChunk(perFlush, chunk.clear());
            assertThat(part.claimWriteback()).as("claimed already, not yet run").isFalse();

            part.writeBack();
            assertThat(part.claimWriteback()).as("flushed just now").isFalse();
            for (int i = perFlush + 1; i < 2 * perFlush + 1; i++) {
                part.writeChunk(i, chunk.clear());
            }
            assertThat(part.claimWriteback()).isTrue();
        }
    }

    @Test
    void aBackgroundFlushAfterTheFileWasCompletedDoesNothing() throws IOException {
        PartialFile part = withEveryChunk();
        Path target = dir.resolve("files/f.bin");
        part.complete(target);
        part.writeBack();
        assertThat(Files.readAllBytes(target)).isEqualTo(data);
    }

    @Test
    void deleteRemovesThePartialFile() throws IOException {
        PartialFile part = PartialFile.open(dir, FILE_ID, layout);
        part.delete();
        assertThat(part.path()).doesNotExist();
    }

    @Test
    void anInterruptedWriterDoesNotBreakTheFileForOthers() throws Exception {
        try (PartialFile part = PartialFile.open(dir, FILE_ID, layout)) {
            Thread.currentThread().interrupt();
            try {
                // the interrupt closes the channel, as it would under an executor's cancel(true)
                assertThatThrownBy(() -> part.writeChunk(0, chunk(0))).isInstanceOf(ClosedByInterruptException.class);
            } finally {
                Thread.interrupted();
            }
            part.writeChunk(1, chunk(1));
            assertThat(part.readChunk(1)).isEqualTo(chunk(1));
        }
    }

    /** A file under {@code dir} holding an older version, for a completion to replace. */
    private Path oldVersionAt(String relative) throws IOException {
        Path target = dir.resolve(relative);
        Files.createDirectories(target.getParent());
        Files.writeString(target, "old version");
        return target;
    }

    /** A partial file in {@code dir/partial} holding all of {@link #data}. */
    private PartialFile withEveryChunk() throws IOException {
        PartialFile part = PartialFile.open(dir.resolve("partial"), FILE_ID, layout);
        for (int i = 0; i < layout.chunkCount(); i++) {
            part.writeChunk(i, chunk(i));
        }
        return part;
    }

    private ByteBuffer chunk(int index) {
        int from = (int) layout.offset(index);
        return ByteBuffer.wrap(Arrays.copyOfRange(data, from, from + layout.length(index)));
    }
}

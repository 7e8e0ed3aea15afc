package io.swiftserve.transfer;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.MappedByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.channels.ReadableByteChannel;
import java.nio.channels.WritableByteChannel;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * Two threads writing chunks of one file take turns in the JVM: in the kernel the second would spin
 * on the inode's lock while the first copies (a third of the receiving threads' CPU on loopback).
 */
@Timeout(value = 30, unit = TimeUnit.SECONDS)
class PartialFileWritersTest {
    private static final int CHUNK = ChunkLayout.MIN_CHUNK_SIZE;

    @TempDir
    Path dir;

    @Test
    void writesOfOneFileNeverOverlap() throws Exception {
        ChunkLayout layout = new ChunkLayout(2L * CHUNK, CHUNK);
        AtomicInteger inWrite = new AtomicInteger();
        AtomicInteger overlaps = new AtomicInteger();
        CountDownLatch firstWriteEntered = new CountDownLatch(1);
        CountDownLatch secondWriterCame = new CountDownLatch(1);
        PartialFile.Opener watched = path -> new WatchedChannel(
                FileChannel.open(path, StandardOpenOption.READ, StandardOpenOption.WRITE),
                () -> {
                    if (inWrite.incrementAndGet() > 1) {
                        overlaps.incrementAndGet();
                        secondWriterCame.countDown();
                    }
                    if (firstWriteEntered.getCount() == 1) {
                        firstWriteEntered.countDown();
                        // the first write holds on until a second one joins it, or long enough to show none can
                        secondWriterCame.await(2, TimeUnit.SECONDS);
                    }
                },
                inWrite::decrementAndGet);
        ExecutorService pool = Executors.newFixedThreadPool(2);
        try (PartialFile part = PartialFile.open(dir, new byte[32], layout, watched)) {
            Future<?> first = pool.submit(() -> {
                part.writeChunk(0, ByteBuffer.allocate(CHUNK));
                return null;
            });
            assertThat(firstWriteEntered.await(10, TimeUnit.SECONDS)).isTrue();
            Future<?> second = pool.submit(() -> {
                part.writeChunk(1, ByteBuffer.allocate(CHUNK));
                return null;
            });
            first.get(10, TimeUnit.SECONDS);
            second.get(10, TimeUnit.SECONDS);
        } finally {
            pool.shutdownNow();
        }
        assertThat(overlaps.get()).as("writes running at once in one file").isZero();
    }

    interface Hook {
        void run() throws InterruptedException;
    }

    /** A file channel that reports entering and leaving its positional writes. */
    private static final class WatchedChannel extends FileChannel {
        private final FileChannel d;
        private final Hook enter;
        private final Runnable leave;

        WatchedChannel(FileChannel d, Hook enter, Runnable leave) {
            this.d = d;
            this.enter = enter;
            this.leave = leave;
        }

        @Override
        public int write(ByteBuffer src, long position) throws IOException {
            try {
                enter.run();
                return d.write(src, position);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new IOException(e);
            } finally {
                leave.run();
            }
        }

        @Override
        public int read(ByteBuffer dst) throws IOException {
            return d.read(dst);
        }

        @Override
        public long read(ByteBuffer[] dsts, int offset, int length) throws IOException {
            return d.read(dsts, offset, length);
        }

        @Override
        public int write(ByteBuffer src) throws IOException {
            return d.write(src);
        }

        @Override
        public long write(ByteBuffer[] srcs, int offset, int length) throws IOException {
            return d.write(srcs, offset, length);
        }

        @Override
        public long position() throws IOException {
            return d.position();
        }

        @Override
        public FileChannel position(long newPosition) throws IOException {
            d.position(newPosition);
            return this;
        }

        @Override
        public long size() throws IOException {
            return d.size();
        }

        @Override
        public FileChannel truncate(long size) throws IOException {
            d.truncate(size);
            return this;
        }

        @Override
        public void force(boolean metaData) throws IOException {
            d.force(metaData);
        }

        @Override
        public long transferTo(long position, long count, WritableByteChannel target) throws IOException {
            return d.transferTo(position, count, target);
        }

        @Override
        public long transferFrom(ReadableByteChannel src, long position, long count) throws IOException {
            return d.transferFrom(src, position, count);
        }

        @Override
        public int read(ByteBuffer dst, long position) throws IOException {
            return d.read(dst, position);
        }

        @Override
        public MappedByteBuffer map(MapMode mode, long position, long size) throws IOException {
            return d.map(mode, position, size);
        }

        @Override
        public FileLock lock(long position, long size, boolean shared) throws IOException {
            return d.lock(position, size, shared);
        }

        @Override
        public FileLock tryLock(long position, long size, boolean shared) throws IOException {
            return d.tryLock(position, size, shared);
        }

        @Override
        protected void implCloseChannel() throws IOException {
            d.close();
        }
    }
}

package io.swiftserve.transfer;

import io.swiftserve.identity.Sha256;
import io.swiftserve.util.Ambient;
import java.io.IOException;
import java.io.RandomAccessFile;
import java.nio.ByteBuffer;
import java.nio.channels.ClosedByInterruptException;
import java.nio.channels.ClosedChannelException;
import java.nio.channels.FileChannel;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.util.HexFormat;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.locks.ReentrantLock;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A file being downloaded, at {@code partialDir/<hex file id>.part}, sized to the final file from
 * the start so every chunk can be written at its own offset as it arrives. Writes and reads of
 * different chunks may run concurrently (positional I/O, no shared position).
 *
 * <p>Crash safety is the caller's: call {@link #sync()} before persisting bitmap bits for chunks
 * written here, or a crash may leave the bitmap claiming data the disk never got.
 */
public final class PartialFile implements AutoCloseable {
    private static final Logger log = LoggerFactory.getLogger(PartialFile.class);
    private static final int MAX_ATTEMPTS = 3;
    /**
     * Bytes written since the last flush above which the file is flushed in the background. The
     * kernel would otherwise keep a whole download dirty in memory and leave all of it to the fsync
     * that completes the file (bench-lan, 8 hosts x 256 MiB: 0.6 s between the last chunk and the
     * copy in place).
     */
    static final long WRITEBACK_BYTES = 16L << 20;

    private final Path path;
    /** Where the data is now: {@link #path} until {@link #complete} renames it, then the target. */
    private volatile Path current;
    /**
     * Set just before {@link #complete} renames the file. The rename and the update of
     * {@link #current} are two steps, and on a busy machine the completing thread can be descheduled
     * between them for milliseconds: a reader that finds the partial name gone looks here.
     */
    private volatile Path completingTo;

    private volatile boolean deleted;
    /** False until the directory entry of a newly created partial file was fsynced. */
    private volatile boolean nameSynced;

    private final AtomicLong unflushed = new AtomicLong();
    private final AtomicBoolean writebackClaimed = new AtomicBoolean();
    private final ChunkLayout layout;
    /**
     * One chunk write at a time. The kernel serializes buffered writes to one file anyway (ext4 holds
     * the inode's lock for the whole copy), but a writer finding that lock taken spins on it while
     * its holder runs: on loopback, 1 GiB, the peer's two I/O threads spent a third of their CPU
     * spinning on each other's writes. Waiting here parks instead.
     */
    private final ReentrantLock writing = new ReentrantLock();

    private final Opener opener;
    /**
     * Open only while the file is in use: a node tracking thousands of incomplete files whose data
     * nobody serves would otherwise hold a descriptor for each ({@link #closeIfIdle}).
     */
    private FileChannel channel;

    private int users;
    private long lastUseNanos;
    private volatile boolean closed;

    /** Opens the descriptor of a partial file; tests watch the writes through it. */
    @FunctionalInterface
    interface Opener {
        FileChannel open(Path path) throws IOException;
    }

    private PartialFile(Path path, ChunkLayout layout, boolean nameSynced, Opener opener) {
        this.path = path;
        this.opener = opener;
        this.nameSynced = nameSynced;
        this.current = path;
        this.layout = layout;
    }

    /** Opens the partial file of {@code fileId}, reusing what an earlier run left there. */
    public static PartialFile open(Path partialDir, byte[] fileId, ChunkLayout layout) throws IOException {
        return open(partialDir, fileId, layout, PartialFile::openChannel);
    }

    static PartialFile open(Path partialDir, byte[] fileId, ChunkLayout layout, Opener opener) throws IOException {
        if (fileId.length != Sha256.LENGTH) {
            throw new IllegalArgumentException("a file id has " + Sha256.LENGTH + " bytes, not " + fileId.length);
        }
        io.swiftserve.util.PrivateDirs.create(partialDir);
        Path path = partialDir.resolve(HexFormat.of().formatHex(fileId) + ".part");
        boolean existed = Files.exists(path);
        try (RandomAccessFile file = new RandomAccessFile(path.toFile(), "rw")) {
            if (file.length() != layout.size()) {
                // sparse: blocks are allocated as chunks arrive, not up front
                file.setLength(layout.size());
            }
        }
        // a new name is made durable by the first flush, off the transfer thread: a directory fsync
        // here waits for every other file's data in the journal commit (0.5 s behind a peer's 512 MiB
        // completion), and a name lost in a crash is found and refetched (the bitmap alone is never trusted)
        return new PartialFile(path, layout, existed, opener);
    }

    /** Where the data is: the partial file, or its target once {@link #complete} has renamed it. */
    public Path path() {
        return current;
    }

    /** Opens the data read-only where it is now, also in the instant {@link #complete} renames it. */
    public FileChannel openForReading() throws IOException {
        return openFollowingRename(current, () -> deleted ? null : completingTo);
    }

    /**
     * Opens {@code at}, or if it is gone, where it was being renamed to. Only the rename (or a
     * delete, for which {@code renamedTo} gives null) removes the partial name, so a missing file
     * there means the data is complete at the target: never an older version still in its place.
     */
    static FileChannel openFollowingRename(Path at, Supplier<Path> renamedTo) throws IOException {
        try {
            return FileChannel.open(at, StandardOpenOption.READ);
        } catch (NoSuchFileException e) {
            Path target = renamedTo.get();
            if (target == null || target.equals(at)) {
                throw e;
            }
            return FileChannel.open(target, StandardOpenOption.READ);
        }
    }

    public ChunkLayout layout() {
        return layout;
    }

    /** Writes the remaining bytes of {@code data}, which must be exactly chunk {@code index}; leaves its position. */
    public void writeChunk(int index, ByteBuffer data) throws IOException {
        int length = layout.length(index);
        if (data.remaining() != length) {
            throw new IllegalArgumentException("chunk " + index + " has " + length + " bytes, got " + data.remaining());
        }
        ByteBuffer buffer = data.duplicate();
        long position = layout.offset(index);
        writing.lock();
        try {
            for (int attempt = 1; ; attempt++) {
                FileChannel current = acquire();
                try {
                    while (buffer.hasRemaining()) {
                        position += current.write(buffer, position);
                    }
                    unflushed.addAndGet(length);
                    return;
                } catch (ClosedChannelException e) {
                    reopenAfterInterrupt(current, e, attempt);
                } finally {
                    release();
                }
            }
        } finally {
            writing.unlock();
        }
    }

    /** Reads chunk {@code index} into a new heap buffer, flipped for reading. */
    public ByteBuffer readChunk(int index) throws IOException {
        ByteBuffer buffer = ByteBuffer.allocate(layout.length(index));
        long position = layout.offset(index);
        for (int attempt = 1; ; attempt++) {
            FileChannel current = acquire();
            try {
                while (buffer.hasRemaining()) {
                    int n = current.read(buffer, position + buffer.position());
                    if (n < 0) {
                        throw new IOException(path + " is shorter than " + layout.size() + " bytes");
                    }
                }
                return buffer.flip();
            } catch (ClosedChannelException e) {
                reopenAfterInterrupt(current, e, attempt);
            } finally {
                release();
            }
        }
    }

    /**
     * True for one caller once {@link #WRITEBACK_BYTES} were written since the last flush: that
     * caller then runs {@link #writeBack} on a thread that may wait for the disk.
     */
    public boolean claimWriteback() {
        return unflushed.get() >= WRITEBACK_BYTES && writebackClaimed.compareAndSet(false, true);
    }

    /** Flushes what was written so far; nothing to do once the file was completed or closed. */
    public void writeBack() {
        try {
            // reset first: whatever is written while the flush runs counts toward the next one
            unflushed.set(0);
            if (!closed) {
                force(false);
                syncName();
            }
        } catch (ClosedChannelException e) {
            // completed, deleted or the daemon is stopping: their own sync covers the data
        } catch (IOException e) {
            log.debug("background flush of {}: {}", path, e.toString());
        } finally {
            writebackClaimed.set(false);
        }
    }

    /** Makes every chunk written so far durable. */
    public void sync() throws IOException {
        // fdatasync also flushes the block allocations of holes just filled, which reading them back needs
        force(false);
        syncName();
    }

    private void syncName() {
        if (!nameSynced) {
            fsyncDirectory(path.toAbsolutePath().getParent());
            nameSynced = true;
        }
    }

    /**
     * Makes the data durable, then atomically renames the file to {@code target} (replacing any file
     * there) and makes the rename durable. Closes this partial file.
     */
    public void complete(Path target) throws IOException {
        force(true);
        close();
        Path targetDir = target.toAbsolutePath().getParent();
        Files.createDirectories(targetDir);
        completingTo = target;
        try {
            Files.move(path, target, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
            // uploads open the file by name as the connection drains; from here on the name is the target
            current = target;
        } catch (AtomicMoveNotSupportedException e) {
            // another file system: copy next to the target, sync, then rename there atomically
            Path temp = targetDir.resolve("." + target.getFileName() + ".swiftserve-tmp");
            Files.copy(path, temp, StandardCopyOption.REPLACE_EXISTING);
            try (FileChannel copy = FileChannel.open(temp, StandardOpenOption.WRITE)) {
                copy.force(true);
            }
            Files.move(temp, target, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
            current = target;
            Files.delete(path);
        }
        fsyncDirectory(targetDir);
        Path partialDir = path.toAbsolutePath().getParent();
        if (!partialDir.equals(targetDir)) {
            fsyncDirectory(partialDir);
        }
    }

    /** Closes and removes the partial file (a download abandoned or superseded by a new version). */
    public void delete() throws IOException {
        deleted = true;
        close();
        Files.deleteIfExists(path);
    }

    @Override
    public synchronized void close() throws IOException {
        closed = true;
        if (channel != null) {
            channel.close();
            channel = null;
        }
    }

    /**
     * Closes the descriptor if nobody used it for {@code idleNanos}; the next read or write opens it
     * again. Data already written stays in the page cache and is flushed by any later force.
     */
    public synchronized boolean closeIfIdle(long idleNanos) throws IOException {
        if (closed || channel == null || users > 0 || Ambient.nanoTime() - lastUseNanos < idleNanos) {
            return false;
        }
        channel.close();
        channel = null;
        return true;
    }

    private void force(boolean metadata) throws IOException {
        FileChannel c = acquire();
        try {
            c.force(metadata);
        } finally {
            release();
        }
    }

    private synchronized FileChannel acquire() throws IOException {
        if (closed) {
            throw new IOException(path + " is closed");
        }
        if (channel == null) {
            channel = opener.open(path);
        }
        users++;
        lastUseNanos = Ambient.nanoTime();
        return channel;
    }

    private synchronized void release() {
        users--;
    }

    /*
     * A FileChannel closes for everyone when a thread blocked in it is interrupted; that must not
     * stop the other downloads into this file. The interrupted thread gets its exception, the
     * others retry on a fresh channel, a bounded number of times so no bug can make them spin.
     */
    private void reopenAfterInterrupt(FileChannel stale, ClosedChannelException e, int attempt) throws IOException {
        synchronized (this) {
            if (!closed && channel == stale) {
                channel = opener.open(path);
            }
        }
        if (closed || e instanceof ClosedByInterruptException || attempt >= MAX_ATTEMPTS) {
            throw e;
        }
    }

    private static FileChannel openChannel(Path path) throws IOException {
        return FileChannel.open(path, StandardOpenOption.READ, StandardOpenOption.WRITE);
    }

    static void fsyncDirectory(Path dir) {
        try (FileChannel d = FileChannel.open(dir, StandardOpenOption.READ)) {
            d.force(true);
        } catch (IOException e) {
            // some platforms cannot open a directory; Linux can, and that is where durability is promised
            log.debug("cannot fsync directory {}: {}", dir, e.toString());
        }
    }
}

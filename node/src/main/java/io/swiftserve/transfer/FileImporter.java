package io.swiftserve.transfer;

import io.swiftserve.chain.Hash;
import io.swiftserve.chain.Manifest;
import io.swiftserve.identity.Sha256;
import java.io.IOException;
import java.io.InputStream;
import java.io.InterruptedIOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.security.MessageDigest;
import java.util.UUID;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;

/**
 * Takes in a file a user adds: streams it into the partial directory while hashing every chunk, in
 * one pass over the bytes. The stream is the file itself, opened by the daemon (a local add), or the
 * bytes the CLI sends over the admin channel where the daemon may not read the file; files and trees
 * are staged here alike.
 */
public final class FileImporter {
    private static final int BUFFER = 1 << 20;

    private final TransferService transfer;

    public FileImporter(TransferService transfer) {
        this.transfer = transfer;
    }

    /** A file taken in but not yet published; {@code unhashed} bytes took their chunk hash from the previous version. */
    public record Staged(Path file, ChunkLayout layout, byte[] chunkHashes, long unhashed) {}

    /**
     * Copies exactly {@code size} bytes from {@code in}; fails if the stream is shorter or longer.
     * Reading and writing run on the calling thread while another hashes what was read, so taking
     * in a file costs about the slower of the two rather than their sum: publishing waits for it.
     * There is no fsync here: the block can be sealed and the swarm can start from the page cache
     * while the completion of the seed's own copy syncs it, and after a crash the held chunks are
     * re-hashed before they are trusted (see {@link TransferService}).
     */
    public Staged stage(InputStream in, long size) throws IOException {
        return stage(in, ChunkLayout.forSize(size));
    }

    /** As {@link #stage(InputStream, long)}, cut as {@code layout} says (a new version keeps its chunk size). */
    public Staged stage(InputStream in, ChunkLayout layout) throws IOException {
        return stage(in, layout, transfer.partialDir());
    }

    /**
     * As {@link #stage(InputStream, long)} for a tree: its content cut where its files begin and end.
     * Chunks made of files unchanged since {@code previous} (the version it replaces, or null) take
     * their hash from it unread ({@link KnownChunks}); the bytes are copied all the same.
     */
    public Staged stageTree(
            InputStream in, long size, java.util.List<io.swiftserve.chain.TreeEntry> entries, Manifest previous)
            throws IOException {
        int chunkSize = ChunkLayout.treeChunkSize(size, previous == null ? 0 : previous.chunkSize());
        long[] starts = io.swiftserve.chain.TreeChunks.starts(entries, chunkSize);
        ChunkLayout layout = ChunkLayout.tree(size, chunkSize, starts);
        return stage(in, layout, KnownChunks.of(entries, layout, previous), transfer.partialDir());
    }

    static Staged stage(InputStream in, ChunkLayout layout, Path dir) throws IOException {
        return stage(in, layout, new byte[layout.chunkCount()][], dir);
    }

    private static Staged stage(InputStream in, ChunkLayout layout, byte[][] known, Path dir) throws IOException {
        long size = layout.size();
        Path tmp = dir.resolve("import-" + UUID.randomUUID() + ".tmp");
        ChunkHasher hasher = new ChunkHasher(layout, known);
        long total = 0;
        try (FileChannel out = FileChannel.open(tmp, StandardOpenOption.CREATE_NEW, StandardOpenOption.WRITE)) {
            while (true) {
                byte[] buf = hasher.emptyBuffer();
                int n = in.readNBytes(buf, 0, (int) Math.min(buf.length, Math.max(1, size - total + 1)));
                if (n <= 0) {
                    break;
                }
                if (total + n > size) {
                    throw new IOException(
                            "the file is larger than announced (" + size + " bytes); was it changed while adding?");
                }
                ByteBuffer data = ByteBuffer.wrap(buf, 0, n);
                while (data.hasRemaining()) {
                    out.write(data);
                }
                hasher.hash(buf, n);
                total += n;
            }
            if (total != size) {
                throw new IOException(
                        "the file ended after " + total + " of " + size + " bytes; was it changed while adding?");
            }
            return new Staged(tmp, layout, hasher.finish(), KnownChunks.bytes(layout, known));
        } catch (IOException | RuntimeException e) {
            hasher.abandon();
            Files.deleteIfExists(tmp);
            throw e;
        }
    }

    /** Hashes a stream chunk by chunk on its own thread, reusing a few buffers. */
    private static final class ChunkHasher {
        private static final int BUFFERS = 4;

        private final ChunkLayout layout;
        private final byte[][] known;
        private final byte[] hashes;
        private final MessageDigest digest = Sha256.newDigest();
        private final BlockingQueue<byte[]> empty = new ArrayBlockingQueue<>(BUFFERS);
        /**
         * Null for a file that fits one buffer: overlapping one read with one hash gains nothing,
         * while a thread and 4 MiB of buffers per add cost a small file more than its hashing (a
         * thousand 4 KiB adds in a row spent a third of their time there).
         */
        private final ExecutorService thread;

        private long hashed;
        private int chunk;
        private long chunkEnd;

        ChunkHasher(ChunkLayout layout, byte[][] known) {
            this.layout = layout;
            this.known = known;
            this.hashes = new byte[layout.chunkCount() * Sha256.LENGTH];
            this.chunkEnd = layout.chunkCount() == 0 ? 0 : layout.length(0);
            boolean small = layout.size() < BUFFER;
            this.thread = small
                    ? null
                    : Executors.newSingleThreadExecutor(r -> {
                        Thread t = new Thread(r, "import-hash");
                        t.setDaemon(true);
                        return t;
                    });
            for (int i = 0; i < (small ? 1 : BUFFERS); i++) {
                // a small file's buffer has a byte more than the file, so a longer stream is seen as such
                empty.add(new byte[small ? (int) layout.size() + 1 : BUFFER]);
            }
        }

        byte[] emptyBuffer() throws IOException {
            try {
                return empty.take();
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new InterruptedIOException("interrupted while adding a file");
            }
        }

        /** Queues {@code n} bytes of {@code buf}; the buffer comes back to {@link #emptyBuffer} once hashed. */
        void hash(byte[] buf, int n) {
            if (thread == null) {
                update(buf, n);
                empty.add(buf);
                return;
            }
            thread.execute(() -> {
                update(buf, n);
                empty.add(buf);
            });
        }

        private void update(byte[] buf, int n) {
            int off = 0;
            while (off < n) {
                int take = (int) Math.min(n - off, chunkEnd - hashed);
                if (known[chunk] == null) {
                    digest.update(buf, off, take);
                }
                off += take;
                hashed += take;
                if (hashed == chunkEnd) {
                    if (known[chunk] == null) {
                        finishChunk(digest, hashes, chunk);
                    } else {
                        System.arraycopy(known[chunk], 0, hashes, chunk * Sha256.LENGTH, Sha256.LENGTH);
                    }
                    chunk++;
                    chunkEnd += chunk < layout.chunkCount() ? layout.length(chunk) : 0;
                }
            }
        }

        byte[] finish() throws IOException {
            if (thread != null) {
                awaitHashing();
            }
            if (chunk != layout.chunkCount()) {
                throw new IllegalStateException("hashed " + chunk + " of " + layout.chunkCount() + " chunks");
            }
            return hashes;
        }

        private void awaitHashing() throws IOException {
            thread.shutdown();
            try {
                if (!thread.awaitTermination(1, TimeUnit.MINUTES)) {
                    throw new IOException("hashing the file did not finish");
                }
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new InterruptedIOException("interrupted while adding a file");
            }
        }

        void abandon() {
            if (thread != null) {
                thread.shutdownNow();
            }
        }
    }

    private static void finishChunk(MessageDigest digest, byte[] hashes, int chunk) {
        try {
            digest.digest(hashes, chunk * Sha256.LENGTH, Sha256.LENGTH);
        } catch (java.security.DigestException e) {
            throw new IllegalStateException("the output slot is always 32 bytes", e);
        }
    }

    /** Makes the staged file the complete partial of version {@code fileId}, ready to be served. */
    public void adopt(Staged staged, Hash fileId) throws IOException {
        Files.move(staged.file(), transfer.partialDir().resolve(fileId + ".part"), StandardCopyOption.ATOMIC_MOVE);
        transfer.seeded(fileId, staged.layout().chunkCount());
    }

    public void discard(Staged staged) throws IOException {
        Files.deleteIfExists(staged.file());
    }
}

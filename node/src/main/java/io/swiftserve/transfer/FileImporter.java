package io.swiftserve.transfer;

import io.swiftserve.chain.Hash;
import io.swiftserve.identity.Sha256;
import java.io.IOException;
import java.io.InputStream;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.security.MessageDigest;
import java.util.UUID;

/**
 * Takes in a file a user adds: streams it into the partial directory while hashing every chunk, in
 * one pass. The bytes arrive over the admin channel, so the daemon never needs read access to the
 * user's own files.
 */
public final class FileImporter {
    private static final int BUFFER = 1 << 20;

    private final TransferService transfer;

    public FileImporter(TransferService transfer) {
        this.transfer = transfer;
    }

    /** A file taken in but not yet published. */
    public record Staged(Path file, ChunkLayout layout, byte[] chunkHashes) {
    }

    /** Copies exactly {@code size} bytes from {@code in}; fails if the stream is shorter or longer. */
    public Staged stage(InputStream in, long size) throws IOException {
        ChunkLayout layout = ChunkLayout.forSize(size);
        Path tmp = transfer.partialDir().resolve("import-" + UUID.randomUUID() + ".tmp");
        byte[] hashes = new byte[layout.chunkCount() * Sha256.LENGTH];
        MessageDigest digest = Sha256.newDigest();
        byte[] buf = new byte[BUFFER];
        long total = 0;
        int chunk = 0;
        long chunkEnd = layout.chunkCount() == 0 ? 0 : layout.length(0);
        try (FileChannel out = FileChannel.open(tmp, StandardOpenOption.CREATE_NEW, StandardOpenOption.WRITE)) {
            int n;
            while ((n = in.readNBytes(buf, 0, (int) Math.min(buf.length, Math.max(1, size - total + 1)))) > 0) {
                if (total + n > size) {
                    throw new IOException("the file is larger than announced (" + size + " bytes); was it changed while adding?");
                }
                out.write(ByteBuffer.wrap(buf, 0, n));
                int off = 0;
                while (off < n) {
                    int take = (int) Math.min(n - off, chunkEnd - total);
                    digest.update(buf, off, take);
                    off += take;
                    total += take;
                    if (total == chunkEnd) {
                        finishChunk(digest, hashes, chunk);
                        chunk++;
                        chunkEnd += chunk < layout.chunkCount() ? layout.length(chunk) : 0;
                    }
                }
            }
            if (total != size) {
                throw new IOException("the file ended after " + total + " of " + size + " bytes; was it changed while adding?");
            }
            out.force(true);
        } catch (IOException | RuntimeException e) {
            Files.deleteIfExists(tmp);
            throw e;
        }
        return new Staged(tmp, layout, hashes);
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

package io.swiftserve.fetch;

import io.swiftserve.transfer.ChunkLayout;
import io.swiftserve.util.PrivateDirs;
import java.io.IOException;
import java.io.RandomAccessFile;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.BitSet;

/**
 * A fetch's {@code partial/fetch-<key>.download} and what {@link FetchResume} keeps of it: chunks
 * are written at their offsets from several threads at once (positional writes need no lock), and
 * the record of held chunks is written only after the data is forced to disk.
 */
final class DownloadFile {
    private final FetchResume resume;
    private final Path path;
    private FileChannel out;

    DownloadFile(FetchResume resume) {
        this.resume = resume;
        this.path = resume.download();
    }

    Path path() {
        return path;
    }

    /** Chunks an earlier attempt at the same fetch left, if the origin's file is unchanged. */
    BitSet kept(ChunkLayout layout, String etag) {
        return resume.kept(layout, etag);
    }

    /** Sized up front, so chunks can land in any order. */
    void create(ChunkLayout layout) throws IOException {
        PrivateDirs.create(path.getParent());
        try (RandomAccessFile f = new RandomAccessFile(path.toFile(), "rw")) {
            f.setLength(layout.size());
        }
        out = FileChannel.open(path, StandardOpenOption.READ, StandardOpenOption.WRITE);
    }

    void write(long position, ByteBuffer data) throws IOException {
        long at = position;
        ByteBuffer b = data.duplicate();
        while (b.hasRemaining()) {
            at += out.write(b, at);
        }
    }

    /** Forces the download to disk, then records which chunks it holds, for a later attempt after a stop. */
    void record(String source, ChunkLayout layout, String etag, BitSet done) throws IOException {
        out.force(false);
        resume.save(source, layout, etag, done);
    }

    boolean isOpen() {
        return out != null;
    }

    void close() throws IOException {
        out.close();
    }

    /** Removes the download and its record: nothing is kept for a later attempt. */
    void discard() {
        resume.discard();
    }
}

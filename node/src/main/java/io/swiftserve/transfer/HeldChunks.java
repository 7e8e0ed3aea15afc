package io.swiftserve.transfer;

import io.swiftserve.chain.FileEntry;
import io.swiftserve.util.LogText;
import java.io.IOException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** The held chunks of a partial file, re-verified after an unclean stop ({@link Reconciler#open}). */
final class HeldChunks {
    /** The lines keep the logger they had before this was split out of the reconciler. */
    private static final Logger log = LoggerFactory.getLogger(TransferService.class);

    private HeldChunks() {}

    /**
     * After a crash of the machine (not just the process), a bitmap bit can outlive the page-cache
     * data it vouches for: keep only the held chunks whose bytes still match their hash.
     */
    static ChunkBitmap recheck(FileEntry f, byte[] hashes, PartialFile partial, ChunkBitmap have, BitmapStore bitmaps)
            throws IOException {
        ChunkBitmap good = new ChunkBitmap(f.chunkCount());
        for (int i = have.nextSet(0); i >= 0; i = have.nextSet(i + 1)) {
            if (FileHasher.matches(partial.readChunk(i), hashes, i)) {
                good.set(i);
            }
        }
        if (good.cardinality() != have.cardinality()) {
            log.warn(
                    "{}: {} of {} held chunks no longer match after an unclean stop; fetching them again",
                    LogText.escape(f.path()),
                    have.cardinality() - good.cardinality(),
                    have.cardinality());
            bitmaps.save(f.fileId().bytes(), good);
        } else {
            log.info(
                    "{}: {} held chunks re-verified after an unclean stop",
                    LogText.escape(f.path()),
                    have.cardinality());
        }
        return good;
    }
}

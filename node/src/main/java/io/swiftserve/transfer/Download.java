package io.swiftserve.transfer;

import io.swiftserve.chain.FileEntry;
import io.swiftserve.chain.Hash;
import io.swiftserve.identity.NodeId;
import io.swiftserve.net.PeerSession;
import java.nio.file.Path;
import java.util.HashSet;
import java.util.Set;

/**
 * One file version this node holds or is fetching: its partial file, its bitmap of verified chunks,
 * and the selector that decides what to ask whom. Mutated only on the transfer thread, except that
 * the bitmap and {@link #dataPath()} are read by uploads.
 */
final class Download {
    final FileEntry entry;
    final Hash fileId;
    final ChunkLayout layout;
    final ChunkBitmap have;
    final PieceSelector<PeerSession> selector;
    final Set<NodeId> banned = new HashSet<>();
    final long startedNanos = System.nanoTime();
    volatile PartialFile partial;
    volatile Path completePath;
    volatile String error;
    long retryAfterNanos;
    boolean finishing;

    Download(FileEntry entry, PartialFile partial, ChunkBitmap have) {
        this.entry = entry;
        this.fileId = entry.fileId();
        this.layout = ChunkLayout.of(entry.size(), entry.chunkSize());
        this.partial = partial;
        this.have = have;
        this.selector = new PieceSelector<>(have);
    }

    /** A complete version already in place: nothing to fetch, served from {@code target}. */
    static Download complete(FileEntry entry, Path target) {
        Download d = new Download(entry, null, ChunkBitmap.full(entry.chunkCount()));
        d.completePath = target;
        return d;
    }

    boolean isComplete() {
        return completePath != null;
    }

    /** Where verified chunks can be read from right now. */
    Path dataPath() {
        Path done = completePath;
        if (done != null) {
            return done;
        }
        PartialFile p = partial;
        return p == null ? null : p.path();
    }

    String state() {
        if (isComplete()) {
            return "complete";
        }
        if (error != null) {
            return "error: " + error;
        }
        return have.cardinality() == 0 ? "queued" : "downloading";
    }

    @Override
    public String toString() {
        return entry.path() + " v" + entry.version();
    }
}

package io.swiftserve.transfer;

import io.swiftserve.chain.FileEntry;
import io.swiftserve.chain.Hash;
import io.swiftserve.identity.NodeId;
import io.swiftserve.net.PeerSession;
import io.swiftserve.util.Ambient;
import io.swiftserve.util.LogText;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

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
    /**
     * Every chunk's expected SHA-256, from the version's manifest, while chunks are still to be
     * verified; null once complete (the manifest stays in the store): 128 KiB per GiB held is
     * what made thousands of resident files cost gigabytes of heap.
     */
    volatile byte[] hashes;

    final PieceSelector<PeerSession> selector;
    /** Peers dropped from this file's swarm, each until a Ambient.nanoTime() deadline. */
    private final Map<NodeId, Long> bannedUntil = new ConcurrentHashMap<>();

    final long startedNanos = Ambient.nanoTime();
    volatile PartialFile partial;
    volatile Path completePath;
    volatile String error;
    long retryAfterNanos;
    boolean finishing;
    /** A complete tree whose files are being written out again (its symlink went). Transfer thread only. */
    boolean rewriting;
    /** Its FileAdd left the chain in a reorg and waits in the pool; said once in the log. Transfer thread only. */
    boolean keptForPool;
    /** Chunks were verified since the bitmap was last saved. */
    boolean bitmapUnsaved;
    /** Set while this node super-seeds the version (it imported it and nobody else holds it yet). */
    SuperSeed<PeerSession> superSeed;

    Download(FileEntry entry, ChunkLayout layout, byte[] hashes, PartialFile partial, ChunkBitmap have) {
        this.entry = entry;
        this.hashes = hashes;
        this.fileId = entry.fileId();
        this.layout = layout;
        this.partial = partial;
        this.have = have;
        this.selector = new PieceSelector<>(have);
    }

    /** A complete version already in place: nothing to fetch, served from {@code target}. */
    static Download complete(FileEntry entry, ChunkLayout layout, Path target) {
        Download d = new Download(entry, layout, null, null, ChunkBitmap.full(layout.chunkCount()));
        d.completePath = target;
        return d;
    }

    /** Stops asking {@code peer} for this file for {@code nanos}; a later, longer ban wins. */
    void ban(NodeId peer, long nanos) {
        long until = Ambient.nanoTime() + nanos;
        bannedUntil.merge(peer, until, Math::max);
    }

    boolean isBanned(NodeId peer) {
        Long until = bannedUntil.get(peer);
        return until != null && Ambient.nanoTime() - until < 0;
    }

    /** The peers banned right now. */
    Set<NodeId> banned() {
        return Set.copyOf(bannedUntil.keySet().stream().filter(this::isBanned).toList());
    }

    /** Forgets the bans that ran out and returns their peers, to be asked again. */
    List<NodeId> expireBans() {
        List<NodeId> expired = new ArrayList<>();
        bannedUntil.forEach((peer, until) -> {
            if (!isBanned(peer) && bannedUntil.remove(peer, until)) {
                expired.add(peer);
            }
        });
        return expired;
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
        return LogText.escape(entry.path()) + " v" + entry.version(); // only ever logged: a member chose the path
    }

    /**
     * Identity equality, but a hash from the version id: collections keyed by downloads then iterate in
     * the same order in every run, which a simulation's same-seed-same-trace promise needs.
     */
    @Override
    public int hashCode() {
        return fileId.hashCode();
    }
}

package io.swiftserve.transfer;

import io.swiftserve.chain.Hash;
import io.swiftserve.chain.Manifest;
import io.swiftserve.identity.Sha256;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.BitSet;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A new version of a path moves only what changed: before a download of it reaches the swarm, every
 * chunk whose SHA-256 the previous version on this node's disk (or the last one it kept under
 * {@code DIR/versions}) also has is taken from that file
 * ({@link ChunkAdoption}: read on the I/O pool, checked against the new manifest, never asked of a
 * peer). Chunks are matched by hash through the earlier version's manifest ({@link VersionBases}), so
 * a chunk that moved to another index is found as well as one that stayed, and a version that
 * restores an older one moves nothing. The copy at the path counts only while it is the one this node
 * wrote there, unchanged ({@link LocalFiles#unchanged}): anything else would be read and refused
 * chunk by chunk, so it is not tried.
 */
final class VersionReuse {
    private static final Logger log = LoggerFactory.getLogger(TransferService.class);

    private final LocalFiles local;
    private final Manifests manifests;
    private final ChunkAdoption adoption;
    private final Map<Hash, Download> files;

    VersionReuse(LocalFiles local, Manifests manifests, ChunkAdoption adoption, Map<Hash, Download> files) {
        this.files = files;
        this.local = local;
        this.manifests = manifests;
        this.adoption = adoption;
    }

    /** On the transfer thread, before {@code d} is in the swarm: reserves and starts reading what the disk has. */
    void plan(Download d) {
        TransferTasks.guarded(() -> {
            List<Source> sources = sources(d);
            if (sources.isEmpty()) {
                return;
            }
            int missing = d.layout.chunkCount() - d.have.cardinality();
            BitSet claimed = new BitSet();
            List<CompletableFuture<Integer>> reads = new ArrayList<>();
            for (Source s : sources) {
                long[] from = match(d, s.manifest(), claimed);
                if (Arrays.stream(from).anyMatch(o -> o >= 0)) {
                    reads.add(adoption.take(d, s.file(), from));
                }
            }
            CompletableFuture.allOf(reads.toArray(CompletableFuture[]::new)).thenRun(() -> {
                int taken = reads.stream().mapToInt(CompletableFuture::join).sum();
                if (files.get(d.fileId) == d) { // else replaced meanwhile: its successor says its own
                    log.info(
                            "{}: {} of {} chunks reused from earlier versions on this node, {} to fetch",
                            d,
                            taken,
                            d.layout.chunkCount(),
                            missing - taken);
                }
            });
        });
    }

    private record Source(Path file, Manifest manifest) {}

    /**
     * The copies of earlier versions of {@code d}'s path this node holds, with their manifests, best
     * first: the one at the path, if this node wrote it and it is unchanged; the last one replaced
     * there, if it is still in {@code DIR/versions} (pruning may have taken it) at its size.
     */
    private List<Source> sources(Download d) throws IOException {
        String path = d.entry.path();
        List<Source> out = new ArrayList<>();
        Optional<Hash> onDisk = local.version(path);
        if (onDisk.isPresent()
                && !onDisk.get().equals(d.fileId)
                && local.keptLocal(path).isEmpty()
                && local.unchanged(path)) {
            Path file = local.contentOf(path); // a tree's content file, behind its symlink
            local.bases()
                    .onDisk(path, onDisk)
                    .flatMap(manifests::get)
                    .filter(m -> m.chunkSize() == d.layout.chunkSize()) // other boundaries share no chunk hash
                    .ifPresent(m -> out.add(new Source(file, m)));
        }
        Optional<VersionBases.Kept> kept = local.bases().kept(path);
        if (kept.isPresent() && Files.isRegularFile(kept.get().copy())) {
            long size = Files.size(kept.get().copy());
            manifests
                    .get(kept.get().manifest())
                    .filter(m -> m.chunkSize() == d.layout.chunkSize() && m.size() == size)
                    .filter(m -> out.stream().noneMatch(o -> o.manifest().hash().equals(m.hash())))
                    .ifPresent(m -> out.add(new Source(kept.get().copy(), m)));
        }
        return out;
    }

    /**
     * For each chunk {@code d} lacks and no earlier source gave, the byte offset in the source of a chunk with the same hash and
     * length, or -1: a hash -> index map of the source's manifest, looked up once per chunk.
     */
    private static long[] match(Download d, Manifest source, BitSet claimed) {
        ChunkLayout from = ChunkLayout.of(source);
        byte[] theirs = source.chunkHashes();
        Map<ByteBuffer, Integer> index = new HashMap<>(from.chunkCount() * 2);
        for (int j = from.chunkCount() - 1; j >= 0; j--) {
            index.put(ByteBuffer.wrap(theirs, j * Sha256.LENGTH, Sha256.LENGTH), j);
        }
        byte[] ours = d.hashes;
        long[] offsets = new long[d.layout.chunkCount()];
        Arrays.fill(offsets, -1);
        if (ours == null) {
            return offsets;
        }
        for (int i = 0; i < offsets.length; i++) {
            if (d.have.get(i) || claimed.get(i)) {
                continue; // held, or found in a better source
            }
            Integer j = index.get(ByteBuffer.wrap(ours, i * Sha256.LENGTH, Sha256.LENGTH));
            if (j != null && from.length(j) == d.layout.length(i)) {
                offsets[i] = from.offset(j);
                claimed.set(i);
            }
        }
        return offsets;
    }
}

package io.swiftserve.transfer;

import io.swiftserve.chain.Hash;
import io.swiftserve.chain.Manifest;
import io.swiftserve.identity.Sha256;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.HashMap;
import java.util.Map;
import java.util.Optional;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A new version of a path moves only what changed: before a download of it reaches the swarm, every
 * chunk whose SHA-256 the previous version on this node's disk also has is taken from that file
 * ({@link ChunkAdoption}: read on the I/O pool, checked against the new manifest, never asked of a
 * peer). Chunks are matched by hash through the previous version's manifest, so a chunk that moved
 * to another index is found as well as one that stayed. The previous version counts only while it is
 * the copy this node wrote there, unchanged ({@link LocalFiles#basis}, {@link LocalFiles#unchanged});
 * anything else would be read and refused chunk by chunk, so it is not tried.
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
        TransferService.guarded(() -> {
            Optional<Source> source = source(d);
            if (source.isEmpty()) {
                return;
            }
            Source s = source.get();
            long[] from = match(d, s.manifest());
            int candidates = (int) Arrays.stream(from).filter(o -> o >= 0).count();
            int missing = d.layout.chunkCount() - d.have.cardinality();
            if (candidates == 0) {
                log.info(
                        "{}: 0 of {} chunks reused from this node's copy of the previous version, {} to fetch",
                        d,
                        d.layout.chunkCount(),
                        missing);
                return;
            }
            adoption.take(d, s.file(), from).thenAccept(taken -> {
                if (files.get(d.fileId) == d) { // else replaced meanwhile: its successor says its own
                    log.info(
                            "{}: {} of {} chunks reused from this node's copy of the previous version, {} to fetch",
                            d,
                            taken,
                            d.layout.chunkCount(),
                            missing - taken);
                }
            });
        });
    }

    private record Source(Path file, Manifest manifest) {}

    /** The previous version on disk at {@code d}'s path, if this node wrote it, it is unchanged and its manifest is here. */
    private Optional<Source> source(Download d) throws IOException {
        String path = d.entry.path();
        Optional<Hash> onDisk = local.version(path);
        if (onDisk.isEmpty()
                || onDisk.get().equals(d.fileId)
                || local.keptLocal(path).isPresent()
                || !local.unchanged(path)) {
            return Optional.empty();
        }
        Optional<Manifest> manifest = local.basis(path).flatMap(manifests::get);
        if (manifest.isEmpty() || manifest.get().chunkSize() != d.layout.chunkSize()) {
            return Optional.empty(); // other chunk boundaries share no chunk hash
        }
        return Optional.of(new Source(local.target(path), manifest.get()));
    }

    /**
     * For each chunk {@code d} lacks, the byte offset in the source of a chunk with the same hash and
     * length, or -1: a hash -> index map of the source's manifest, looked up once per chunk.
     */
    private static long[] match(Download d, Manifest source) {
        ChunkLayout from = ChunkLayout.of(source.size(), source.chunkSize());
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
            if (d.have.get(i)) {
                continue;
            }
            Integer j = index.get(ByteBuffer.wrap(ours, i * Sha256.LENGTH, Sha256.LENGTH));
            if (j != null && from.length(j) == d.layout.length(i)) {
                offsets[i] = from.offset(j);
            }
        }
        return offsets;
    }
}

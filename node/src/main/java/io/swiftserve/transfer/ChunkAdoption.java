package io.swiftserve.transfer;

import io.swiftserve.chain.Blockchain;
import io.swiftserve.chain.FileEntry;
import io.swiftserve.chain.Hash;
import io.swiftserve.util.LogText;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.BitSet;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Executor;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Takes into a download the chunks a collaborative fetch already brought to this node, so a helper
 * does not fetch from its peers what lies on its own disk. Apart from the swarm because the bytes
 * come from a local file, not a peer: no request, no ban, but the same hash check and announcement.
 */
final class ChunkAdoption {
    /** The lines keep the logger they had before this class was split out of TransferService. */
    private static final Logger log = LoggerFactory.getLogger(TransferService.class);

    private final Blockchain chain;
    private final Map<Hash, Download> files;
    private final BitmapStore bitmaps;
    private final HaveBatcher haves;
    private final Reconciler reconciler;
    private final Completion completion;
    private final Executor transferThread;
    private final Executor io;

    ChunkAdoption(
            Blockchain chain,
            Map<Hash, Download> files,
            BitmapStore bitmaps,
            HaveBatcher haves,
            Reconciler reconciler,
            Completion completion,
            Executor transferThread,
            Executor io) {
        this.chain = chain;
        this.files = files;
        this.bitmaps = bitmaps;
        this.haves = haves;
        this.reconciler = reconciler;
        this.completion = completion;
        this.transferThread = transferThread;
        this.io = io;
    }

    /** See {@link TransferService#adoptChunks}. */
    CompletableFuture<Integer> adoptChunks(Hash fileId, Path source, BitSet indices) {
        CompletableFuture<Integer> result = new CompletableFuture<>();
        transferThread.execute(() -> {
            try {
                Download d = files.get(fileId);
                if (d == null) {
                    FileEntry f = chain.state().files().stream()
                            .filter(e -> e.fileId().equals(fileId))
                            .findFirst()
                            .orElse(null);
                    if (f != null) {
                        reconciler.open(f);
                        d = files.get(fileId);
                    }
                }
                if (d == null || d.partial == null || d.isComplete() || d.finishing) {
                    result.complete(0);
                    return;
                }
                Download target = d;
                io.execute(() -> adoptRead(target, source, indices, result));
            } catch (Exception e) {
                result.completeExceptionally(e);
            }
        });
        return result;
    }

    /** Reads and checks on the I/O pool, then accounts on the transfer thread, like a chunk from a peer. */
    private void adoptRead(Download d, Path source, BitSet indices, CompletableFuture<Integer> result) {
        List<Integer> good = new ArrayList<>();
        try (FileChannel in = FileChannel.open(source, StandardOpenOption.READ)) {
            for (int i = indices.nextSetBit(0); i >= 0 && i < d.layout.chunkCount(); i = indices.nextSetBit(i + 1)) {
                PartialFile p = d.partial;
                if (p == null) {
                    break;
                }
                if (d.have.get(i)) {
                    continue;
                }
                ByteBuffer buf = ByteBuffer.allocate(d.layout.length(i));
                while (buf.hasRemaining() && in.read(buf, d.layout.offset(i) + buf.position()) >= 0) {
                    // read fully
                }
                buf.flip();
                byte[] expected = d.hashes;
                if (expected == null) {
                    break; // completed meanwhile by the swarm
                }
                if (buf.remaining() == d.layout.length(i) && FileHasher.matches(buf, expected, i)) {
                    p.writeChunk(i, buf);
                    good.add(i);
                }
            }
        } catch (Exception e) {
            log.warn("taking in fetched chunks of {}: {}", d, e.toString());
        }
        transferThread.execute(() -> {
            int taken = 0;
            if (files.get(d.fileId) == d && !d.isComplete() && !d.finishing) {
                List<Integer> fresh = new ArrayList<>();
                for (int i : good) {
                    if (d.have.set(i)) {
                        fresh.add(i);
                        d.selector.received(null, i);
                    }
                }
                if (!fresh.isEmpty()) {
                    bitmaps.save(d.fileId.bytes(), d.have);
                    haves.announce(d, fresh);
                    log.info(
                            "{}: took in {} chunks from {}",
                            d,
                            fresh.size(),
                            LogText.escape(source.getFileName().toString()));
                }
                taken = fresh.size();
                if (d.have.isComplete()) {
                    d.finishing = true;
                    completion.finish(d);
                }
            }
            result.complete(taken);
        });
    }
}

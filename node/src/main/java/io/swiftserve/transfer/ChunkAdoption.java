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
import java.util.Arrays;
import java.util.BitSet;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Executor;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Takes into a download chunks that already lie in a file on this node: a collaborative fetch's
 * data, a kept-aside edit, the previous version of the same path ({@link VersionReuse}). Apart from
 * the swarm because the bytes come from a local file, not a peer: no request, no ban, but the same
 * hash check and announcement. The chunks are held back from the request pump while they are read,
 * so none of them also crosses the wire; those the file does not have after all are released.
 */
final class ChunkAdoption {
    /** The lines keep the logger they had before this class was split out of TransferService. */
    private static final Logger log = LoggerFactory.getLogger(TransferService.class);
    /** Bytes read per task: the I/O pool also verifies peers' chunks, and peers see adopted chunks sooner. */
    private static final long BATCH_BYTES = 64L << 20;

    private final Blockchain chain;
    private final Map<Hash, Download> files;
    private final BitmapStore bitmaps;
    private final HaveBatcher haves;
    private final Reconciler reconciler;
    private final Completion completion;
    private final TransferStats stats;
    private final Runnable pumpAll;
    private final Executor transferThread;
    private final Executor io;
    private final Executor writeback;

    ChunkAdoption(
            Blockchain chain,
            Map<Hash, Download> files,
            BitmapStore bitmaps,
            HaveBatcher haves,
            Reconciler reconciler,
            Completion completion,
            TransferStats stats,
            Runnable pumpAll,
            Executor transferThread,
            Executor io,
            Executor writeback) {
        this.chain = chain;
        this.files = files;
        this.bitmaps = bitmaps;
        this.haves = haves;
        this.reconciler = reconciler;
        this.completion = completion;
        this.stats = stats;
        this.pumpAll = pumpAll;
        this.transferThread = transferThread;
        this.io = io;
        this.writeback = writeback;
    }

    /** See {@link TransferService#adoptChunks}: chunk i of {@code source} is read for chunk i of the version. */
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
                    if (f != null && reconciler.wanted(f)) {
                        reconciler.open(f);
                        d = files.get(fileId);
                    }
                }
                if (d == null) {
                    result.complete(0);
                    return;
                }
                long[] from = new long[d.layout.chunkCount()];
                Arrays.fill(from, -1);
                for (int i = indices.nextSetBit(0); i >= 0 && i < from.length; i = indices.nextSetBit(i + 1)) {
                    from[i] = d.layout.offset(i);
                }
                Download target = d;
                take(d, source, from).whenComplete((n, e) -> {
                    if (n != null && n > 0) {
                        log.info(
                                "{}: took in {} chunks from {}",
                                target,
                                n,
                                LogText.escape(source.getFileName().toString()));
                    }
                    if (e != null) {
                        result.completeExceptionally(e);
                    } else {
                        result.complete(n);
                    }
                });
            } catch (Exception e) {
                result.completeExceptionally(e);
            }
        });
        return result;
    }

    /**
     * Takes chunk i of {@code d} from byte offset {@code from[i]} of {@code source} (-1: not there), for
     * every chunk it still lacks. Call on the transfer thread; before the download is in the swarm, no
     * chunk taken here is ever requested of a peer. Completes with the number of chunks taken.
     */
    CompletableFuture<Integer> take(Download d, Path source, long[] from) {
        CompletableFuture<Integer> result = new CompletableFuture<>();
        if (d.partial == null || d.isComplete() || d.finishing) {
            result.complete(0);
            return result;
        }
        for (int i = 0; i < from.length; i++) {
            if (from[i] >= 0 && !d.have.get(i)) {
                d.selector.reserve(i);
            }
        }
        // queued behind the caller's task, which is still putting the download in place
        transferThread.execute(() -> io.execute(() -> read(d, source, from, 0, 0, result)));
        return result;
    }

    /** Reads, checks and writes on the I/O pool from chunk {@code start}, one batch per task. */
    private void read(Download d, Path source, long[] from, int start, int taken, CompletableFuture<Integer> result) {
        BitSet good = new BitSet();
        BitSet missed = new BitSet();
        int next = from.length;
        try (FileChannel in = FileChannel.open(source, StandardOpenOption.READ)) {
            ByteBuffer buf = ByteBuffer.allocate(d.layout.chunkSize());
            long read = 0;
            for (int i = start; i < from.length; i++) {
                if (read >= BATCH_BYTES) {
                    next = i;
                    break;
                }
                byte[] expected = d.hashes; // null once the swarm completed the download meanwhile
                PartialFile p = d.partial;
                if (from[i] < 0 || d.have.get(i)) {
                    continue;
                }
                if (expected == null || p == null || files.get(d.fileId) != d) {
                    missed.set(i);
                    continue;
                }
                buf.clear().limit(d.layout.length(i));
                while (buf.hasRemaining() && in.read(buf, from[i] + buf.position()) >= 0) {
                    // read fully, or up to the end of the source
                }
                buf.flip();
                read += buf.remaining();
                if (buf.remaining() == d.layout.length(i) && FileHasher.matches(buf, expected, i)) {
                    p.writeChunk(i, buf);
                    if (p.claimWriteback()) {
                        writeback.execute(p::writeBack);
                    }
                    good.set(i);
                } else {
                    missed.set(i);
                }
            }
        } catch (Exception e) {
            log.warn("taking in chunks of {} from {}: {}", d, LogText.escape(source.toString()), e.toString());
            next = from.length;
            for (int i = start; i < from.length; i++) {
                if (from[i] >= 0 && !good.get(i)) {
                    missed.set(i);
                }
            }
        }
        int resume = next;
        transferThread.execute(() -> {
            int total = taken + account(d, good, missed);
            if (resume < from.length && files.get(d.fileId) == d && !d.isComplete() && !d.finishing) {
                io.execute(() -> read(d, source, from, resume, total, result));
            } else {
                release(d, from, resume);
                result.complete(total);
            }
        });
    }

    /** On the transfer thread, like a chunk from a peer: held, saved, announced; misses go back to the pump. */
    private int account(Download d, BitSet good, BitSet missed) {
        missed.stream().forEach(d.selector::unreserve);
        if (files.get(d.fileId) != d || d.isComplete() || d.finishing) {
            good.stream().forEach(d.selector::unreserve);
            return 0;
        }
        List<Integer> fresh = new ArrayList<>();
        for (int i = good.nextSetBit(0); i >= 0; i = good.nextSetBit(i + 1)) {
            if (d.have.set(i)) {
                fresh.add(i);
                d.selector.received(null, i);
                stats.bytesLocal.addAndGet(d.layout.length(i));
            }
            d.selector.unreserve(i);
        }
        stats.chunksLocal.addAndGet(fresh.size());
        if (!fresh.isEmpty()) {
            bitmaps.save(d.fileId.bytes(), d.have);
            haves.announce(d, fresh);
        }
        if (d.have.isComplete()) {
            d.finishing = true;
            completion.finish(d);
        } else if (!missed.isEmpty()) {
            pumpAll.run(); // what the file lacked is the peers' to send now
        }
        return fresh.size();
    }

    /** Chunks never read (the download stopped or completed first) may be asked of peers again. */
    private void release(Download d, long[] from, int start) {
        for (int i = start; i < from.length; i++) {
            if (from[i] >= 0) {
                d.selector.unreserve(i);
            }
        }
    }
}

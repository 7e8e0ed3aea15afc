package io.swiftserve.transfer;

import com.google.protobuf.ByteString;
import io.swiftserve.chain.Hash;
import io.swiftserve.net.ChunkFrame;
import io.swiftserve.net.PeerSession;
import io.swiftserve.util.Ambient;
import java.nio.ByteBuffer;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Executor;
import java.util.function.Consumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Takes in a chunk a peer sent: verify and write on the I/O pool, so neither the event loops nor the
 * transfer thread wait on hashing or the disk, then account on the transfer thread (bans a peer
 * whose chunk fails its hash, cancels the end game's duplicates, announces the chunk).
 */
final class ChunkIntake {
    /** The lines keep the logger they had before this class was split out of Swarm. */
    private static final Logger log = LoggerFactory.getLogger(Swarm.class);

    /** A peer that served a chunk failing its hash: long enough that a liar costs little, short of forever. */
    static final long CORRUPT_BAN_NANOS = 300_000_000_000L;

    private final Map<Hash, Download> files;
    private final TransferStats stats;
    private final HaveBatcher haves;
    private final RequestPump pump;
    private final Executor transferThread;
    private final Executor io;
    private final Executor writeback;
    private final boolean tokenPayloads;
    /** Called on the transfer thread once the last chunk of a download is verified. */
    private final Consumer<Download> onLastChunk;

    ChunkIntake(
            Map<Hash, Download> files,
            TransferStats stats,
            HaveBatcher haves,
            RequestPump pump,
            Executor transferThread,
            Executor io,
            Executor writeback,
            boolean tokenPayloads,
            Consumer<Download> onLastChunk) {
        this.tokenPayloads = tokenPayloads;
        this.files = files;
        this.stats = stats;
        this.haves = haves;
        this.pump = pump;
        this.transferThread = transferThread;
        this.io = io;
        this.writeback = writeback;
        this.onLastChunk = onLastChunk;
    }

    /** Called on the event loop: verify and write on the I/O pool, then account on the transfer thread. */
    void onChunk(PeerSession s, ChunkFrame frame) {
        ByteString fileIdBytes = frame.fileId();
        Download d = fileIdBytes.size() == 32 ? files.get(Hash.of(fileIdBytes.toByteArray())) : null;
        int index = frame.index();
        if (d == null || index < 0 || index >= d.layout.chunkCount()) {
            frame.release();
            return;
        }
        io.execute(() -> {
            ByteBuffer data = frame.payload();
            int length = data.remaining();
            // null once the version completed: a late duplicate, dropped below as the download is done
            byte[] expected = d.hashes;
            // a token stands for the chunk's bytes in the simulation tier: its hash is still checked
            boolean ok = expected != null
                    && (tokenPayloads || length == d.layout.length(index))
                    && FileHasher.matches(data, expected, index);
            String writeError = null;
            try {
                PartialFile p = d.partial;
                if (ok && !d.have.get(index) && p != null && !tokenPayloads) {
                    p.writeChunk(index, data);
                    if (p.claimWriteback()) {
                        writeback.execute(p::writeBack);
                    }
                }
            } catch (Exception e) {
                writeError = e.getMessage() == null ? e.toString() : e.getMessage();
            } finally {
                frame.release();
            }
            s.bytesIn().addAndGet(length);
            stats.bytesDown.addAndGet(length);
            boolean verified = ok;
            String error = writeError;
            transferThread.execute(() -> received(s, d, index, verified, error));
        });
    }

    private void received(PeerSession s, Download d, int index, boolean ok, String writeError) {
        pump.done(s, d, index);
        if (files.get(d.fileId) != d || d.isComplete() || d.finishing) {
            return;
        }
        if (writeError != null) {
            if (d.error == null) {
                log.error("cannot write {}: {}; retrying in 5 s", d, writeError);
            }
            d.error = writeError;
            d.retryAfterNanos = Ambient.nanoTime() + 5_000_000_000L;
            d.selector.failed(s, index);
            return;
        }
        if (!ok) {
            stats.chunksFailed.incrementAndGet();
            log.warn(
                    "chunk {} of {} from {} failed verification; dropping that peer from this file's swarm for {} s",
                    index,
                    d,
                    s.peer().shortId(),
                    CORRUPT_BAN_NANOS / 1_000_000_000L);
            pump.ban(s, d, CORRUPT_BAN_NANOS);
            return;
        }
        d.error = null;
        if (d.have.set(index)) {
            stats.chunksVerified.incrementAndGet();
            d.bitmapUnsaved = true;
            haves.announce(d, List.of(index));
        }
        for (PeerSession loser : d.selector.received(s, index)) {
            if (pump.done(loser, d, index)) {
                loser.send(SwarmMessages.cancelChunk(d, index));
            }
        }
        if (d.have.isComplete()) {
            onLastChunk.accept(d);
        }
        pump.pump(s);
    }
}

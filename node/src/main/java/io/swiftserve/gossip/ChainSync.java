package io.swiftserve.gossip;

import com.google.protobuf.ByteString;
import io.swiftserve.chain.Blockchain;
import io.swiftserve.chain.Hash;
import io.swiftserve.chain.ImportResult;
import io.swiftserve.net.PeerSession;
import io.swiftserve.net.Wire;
import io.swiftserve.proto.Blocks;
import io.swiftserve.proto.ChainStatus;
import io.swiftserve.proto.Envelope;
import io.swiftserve.proto.GetBlocks;
import io.swiftserve.util.Ambient;
import java.util.List;
import java.util.function.BiFunction;

/**
 * Catching up with a peer that is ahead: block-locator requests answered with batches of up to
 * {@link #BATCH} blocks. Two things keep a long catch-up (a joiner, a node back from a week off)
 * short: the next batch is asked for as soon as one arrives, before it is imported, so the
 * transfer of one batch overlaps the verification of the previous; and while one peer's stream
 * makes progress, the other peers that say they are ahead are not asked for the same blocks again.
 * Chain thread only.
 */
final class ChainSync {
    static final int BATCH = 256;
    /** A stream without a batch for this long no longer keeps other peers from being asked. */
    static final long STALL_MS = 5_000;

    private final Blockchain chain;
    private final BiFunction<PeerSession, io.swiftserve.proto.Block, ImportResult> importer;
    private PeerSession streaming;
    private long lastBatchMs;

    ChainSync(Blockchain chain, BiFunction<PeerSession, io.swiftserve.proto.Block, ImportResult> importer) {
        this.chain = chain;
        this.importer = importer;
    }

    /** A peer's head: catch up with it if it is ahead and no other stream is making progress. */
    void onStatus(PeerSession from, ChainStatus status) {
        if (status.getHeadHash().size() != 32) {
            return;
        }
        Hash theirs = Hash.of(status.getHeadHash().toByteArray());
        var head = chain.head();
        boolean ahead = status.getHeight() > head.height()
                || (status.getHeight() == head.height() && theirs.compareTo(head.hash()) < 0);
        if (ahead && !chain.contains(theirs)) {
            syncFrom(from);
        }
    }

    /** Starts (or restarts) catching up from {@code from}, unless another peer's stream is moving. */
    void syncFrom(PeerSession from) {
        long now = Ambient.currentTimeMillis();
        if (streaming != null && streaming != from && streaming.isOpen() && now - lastBatchMs < STALL_MS) {
            return;
        }
        streaming = from;
        lastBatchMs = now;
        request(from, null);
    }

    void onGetBlocks(PeerSession from, GetBlocks req) {
        List<Hash> locator = req.getLocatorList().stream()
                .filter(b -> b.size() == 32)
                .map(b -> Hash.of(b.toByteArray()))
                .toList();
        int max = Math.min(Math.max(req.getMaxBlocks(), 1), BATCH);
        Blocks.Builder reply = Blocks.newBuilder();
        chain.blocksAfter(locator, max, Wire.MAX_CONTROL_FRAME - 65_536).forEach(b -> reply.addBlocks(b.toProto()));
        from.send(Envelope.newBuilder().setBlocks(reply).build());
    }

    void onBlocks(PeerSession from, Blocks blocks) {
        int n = blocks.getBlocksCount();
        if (n == 0) {
            if (streaming == from) {
                streaming = null; // caught up
            }
            return;
        }
        lastBatchMs = Ambient.currentTimeMillis();
        // ask for the next batch now, after the last block of this one; an empty answer ends the stream
        Hash last = Hash.sha256(blocks.getBlocks(n - 1).getHeader().toByteArray());
        request(from, last);
        for (io.swiftserve.proto.Block proto : blocks.getBlocksList()) {
            ImportResult r = importer.apply(from, proto);
            if (r == null || r.status() == ImportResult.Status.INVALID) {
                if (streaming == from) {
                    streaming = null;
                }
                return;
            }
        }
    }

    private void request(PeerSession to, Hash after) {
        GetBlocks.Builder req = GetBlocks.newBuilder().setMaxBlocks(BATCH);
        if (after != null) {
            req.addLocator(ByteString.copyFrom(after.bytes()));
        }
        chain.locator().forEach(h -> req.addLocator(ByteString.copyFrom(h.bytes())));
        to.send(Envelope.newBuilder().setGetBlocks(req).build());
    }
}

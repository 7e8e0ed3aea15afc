package io.swiftserve.transfer;

import io.swiftserve.net.PeerNetwork;
import io.swiftserve.net.PeerSession;
import java.util.BitSet;
import java.util.List;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The seed's side of super-seeding ({@link SuperSeed} holds the per-file state): what each peer is
 * shown of a file this node imported, and when to stop hiding the rest. Apart from the bookkeeping
 * because it is the one place where a peer is told less than this node holds.
 */
final class SuperSeeding {
    /** The lines keep the logger they had before this class was split out of Swarm. */
    private static final Logger log = LoggerFactory.getLogger(Swarm.class);

    private final SwarmView view;
    private final PeerNetwork network;
    private final Supplier<List<PeerSession>> members;

    SuperSeeding(SwarmView view, PeerNetwork network, Supplier<List<PeerSession>> members) {
        this.view = view;
        this.network = network;
        this.members = members;
    }

    /** Super-seeding pays off with at least two downloaders and more chunks than it shows at once. */
    void startIfWorthIt(Download d) {
        if (d.have.isComplete()
                && d.layout.chunkCount() > 4 * SuperSeed.SHOWN_PER_PEER
                && members.get().size() >= 2) {
            d.superSeed = new SuperSeed<>(d.layout.chunkCount(), d.layout.chunkSize());
            log.info("super-seeding {}: each peer is shown a few chunks nobody else has", d);
        }
    }

    /** Sends {@code s} our bitmap of {@code d} as it may see it: all of it, or while super-seeding what it was shown. */
    void sendBitmap(Download d, PeerSession s, boolean reply) {
        if (d.superSeed == null) {
            s.send(SwarmMessages.bitmapOf(d, reply));
            return;
        }
        ChunkBitmap holds = view.bitmap(d.fileId, s.peer()).orElse(new ChunkBitmap(d.layout.chunkCount()));
        s.send(SwarmMessages.bitmapMessage(d, d.superSeed.show(s, holds), reply));
    }

    /** A super-seeded file's bitmap came from {@code s}: show it more if it took what it was shown. */
    void onBitmap(Download d, PeerSession s, ChunkBitmap bitmap, boolean reply) {
        BitSet before = d.superSeed.shownTo(s);
        BitSet now = d.superSeed.show(s, bitmap);
        if (reply || !now.equals(before)) {
            s.send(SwarmMessages.bitmapMessage(d, now, false));
        }
        endIfDone(d);
    }

    /** Some peer holds every chunk: from now on everyone may ask this seed for anything. */
    void endIfDone(Download d) {
        if (d.superSeed.isDone()) {
            d.superSeed = null;
            log.info("super-seeding {} done: peers hold every chunk between them; announcing all of it", d);
            network.broadcast(SwarmMessages.bitmapOf(d, false), null);
        }
    }

    /** Once a second: a peer that sat on what it was shown gets other chunks to pass on. */
    void rebalance(Iterable<Download> files) {
        for (Download d : files) {
            if (d.superSeed != null) {
                d.superSeed.rebalance().forEach((s, shown) -> s.send(SwarmMessages.haveChunks(d, shown)));
            }
        }
    }

    void sessionDown(Iterable<Download> files, PeerSession s) {
        for (Download d : files) {
            if (d.superSeed != null) {
                d.superSeed.peerGone(s);
            }
        }
    }
}

package io.swiftserve.transfer;

import io.swiftserve.chain.Hash;
import io.swiftserve.chain.TransactionRules;
import io.swiftserve.net.ChunkFrame;
import io.swiftserve.net.PeerNetwork;
import io.swiftserve.net.PeerSession;
import io.swiftserve.util.LogText;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Executor;
import java.util.function.Consumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The pull swarm: tells peers what we hold, asks several peers at once for what we lack, and takes
 * in verified chunks. All state changes run on the transfer thread; hashing and writing a received
 * chunk run on the I/O pool, so neither the event loops nor the scheduler wait on the disk.
 *
 * <p>This class keeps the bookkeeping of who holds what (bitmaps and HAVEs in, our own out, saved
 * once a second) and hands the rest to {@link RequestPump} (asking), {@link ChunkIntake} (taking in)
 * and {@link SuperSeeding} (showing a fresh seed's chunks a few at a time).
 */
final class Swarm implements SwarmInbox.Target {
    private static final Logger log = LoggerFactory.getLogger(Swarm.class);

    private final Map<Hash, Download> files;
    private final SwarmView view;
    private final BitmapStore bitmaps;
    private final PeerHoldsStore peerHolds;
    private final TransferStats stats;
    private final PeerNetwork network;
    private final Consumer<Download> onComplete;
    private final RequestPump pump;
    private final ChunkIntake intake;
    private final SuperSeeding superSeeding;
    private final HaveBatcher haves;

    Swarm(
            Map<Hash, Download> files,
            SwarmView view,
            BitmapStore bitmaps,
            PeerHoldsStore peerHolds,
            TransferStats stats,
            PeerNetwork network,
            Executor transferThread,
            Executor io,
            Executor writeback,
            boolean tokenPayloads,
            HaveBatcher haves,
            Consumer<Download> onComplete) {
        this.files = files;
        this.view = view;
        this.bitmaps = bitmaps;
        this.peerHolds = peerHolds;
        this.stats = stats;
        this.network = network;
        this.onComplete = onComplete;
        this.haves = haves;
        this.pump = new RequestPump(files, view, network, this::members);
        this.intake = new ChunkIntake(
                files, stats, haves, pump, transferThread, io, writeback, tokenPayloads, this::lastChunk);
        this.superSeeding = new SuperSeeding(view, network, this::members);
    }

    void superSeedIfWorthIt(Download d) {
        superSeeding.startIfWorthIt(d);
    }

    void add(Download d) {
        files.put(d.fileId, d);
        pump.addDownload(d);
        // peers that knew the version before us sent their bitmaps already, and we may not have kept them
        if (d.superSeed == null) {
            network.broadcast(SwarmMessages.bitmapOf(d, true), null);
        } else {
            members().forEach(s -> superSeeding.sendBitmap(d, s, true));
        }
        for (PeerSession s : members()) {
            view.bitmap(d.fileId, s.peer()).ifPresent(b -> d.selector.peerHas(s, b));
        }
        pump.pumpAll();
    }

    /** Offers every peer what it can send now: chunks a local read did not bring are free again. */
    void pumpAll() {
        pump.pumpAll();
    }

    void remove(Download d) {
        files.remove(d.fileId, d);
        pump.removeDownload(d);
        view.forget(d.fileId);
        haves.forget(d.fileId);
    }

    /** Every 10 s: downloads that know no holder ask the peers again. */
    void askForHoldersAgain() {
        int asked = askForHolders();
        if (asked > 0) {
            log.debug("asked peers again for holders of {} downloads", asked);
        }
    }

    /** Descriptors follow the files in use, not the files incomplete (data that exists nowhere costs none). */
    void closeIdlePartials() throws java.io.IOException {
        for (Download d : files.values()) {
            PartialFile p = d.partial;
            if (p != null) {
                p.closeIfIdle(PARTIAL_IDLE_NANOS);
            }
        }
    }

    private static final long PARTIAL_IDLE_NANOS = java.util.concurrent.TimeUnit.SECONDS.toNanos(5);

    /**
     * Stops holding {@code d} because its file no longer is what the node verified (changed locally):
     * peers are told with an empty bitmap, so nobody is left believing this node has its chunks.
     */
    void withdraw(Download d) {
        remove(d);
        Download none = new Download(d.entry, d.layout, null, null, new ChunkBitmap(d.layout.chunkCount()));
        network.broadcast(SwarmMessages.bitmapOf(none, false), null);
    }

    /**
     * Tells a new peer what this node holds: the versions it holds every chunk of in one list
     * ({@code HaveComplete}, 32 bytes each), a bitmap for the others. With thousands of resident files
     * a bitmap each cost megabytes per connection.
     */
    void sessionUp(PeerSession s) {
        List<Hash> complete = new ArrayList<>();
        for (Download d : files.values()) {
            if (d.isComplete() && d.superSeed == null) {
                complete.add(d.fileId);
            } else {
                superSeeding.sendBitmap(d, s, false);
            }
        }
        SwarmMessages.haveComplete(complete).forEach(s::send);
    }

    /** A peer holds every chunk of {@code fileId} (from its HaveComplete): a full bitmap, if this node tracks it. */
    @Override
    public void onWhole(PeerSession s, Hash fileId) {
        Download d = files.get(fileId);
        if (d != null) {
            int chunks = d.layout.chunkCount();
            onBitmap(
                    s,
                    new SwarmInbound.Bitmap(
                            fileId, chunks, ChunkBitmap.full(chunks).toBytes(), false, 0));
        }
    }

    /**
     * Anti-entropy for lost announcements: every download that no connected peer is known to hold
     * any of asks all peers again for their bitmaps. Returns how many downloads asked.
     */
    int askForHolders() {
        List<PeerSession> peers = members();
        int asked = 0;
        for (Download d : files.values()) {
            if (d.isComplete() || d.finishing) {
                continue;
            }
            boolean anyHolder = peers.stream()
                    .anyMatch(p -> view.bitmap(d.fileId, p.peer())
                            .filter(b -> b.cardinality() > 0)
                            .isPresent());
            if (!anyHolder) {
                network.broadcast(SwarmMessages.bitmapOf(d, true), null);
                asked++;
            }
        }
        return asked;
    }

    void sessionDown(PeerSession s) {
        files.values().forEach(d -> d.selector.peerGone(s));
        superSeeding.sessionDown(files.values(), s);
        haves.sessionDown(s);
        pump.sessionDown(s);
        pump.pumpAll();
    }

    @Override
    public void onBitmap(PeerSession s, SwarmInbound.Bitmap m) {
        Hash fileId = m.fileId();
        Download d = files.get(fileId);
        ChunkBitmap bitmap;
        if (m.chunks() > TransactionRules.MAX_CHUNKS
                || (d == null
                        && !view.knows(fileId)
                        && view.fileCount() - files.size() >= SwarmView.MAX_UNKNOWN_FILES)) {
            // no ledger file has more chunks; bitmaps of versions we do not know yet are kept only a few at a time
            log.debug(
                    "ignoring bitmap of {} from {}", fileId.shortHex(), s.peer().shortId());
            return;
        }
        try {
            if (d != null && m.chunks() != d.layout.chunkCount()) {
                throw new IllegalArgumentException(
                        "chunk count " + m.chunks() + " instead of " + d.layout.chunkCount());
            }
            bitmap = ChunkBitmap.fromBytes(m.chunks(), m.bits());
        } catch (IllegalArgumentException e) {
            log.warn(
                    "ignoring bitmap of {} from {}: {}",
                    fileId.shortHex(),
                    s.peer().shortId(),
                    LogText.escape(e.getMessage()));
            return;
        }
        view.put(fileId, s.peer(), bitmap);
        view.claim(fileId, s.peer(), m.holds());
        if (d != null && d.superSeed != null) {
            superSeeding.onBitmap(d, s, bitmap, m.reply());
        } else if (m.reply() && d != null) {
            s.send(SwarmMessages.bitmapOf(d, false));
        }
        // a complete version never picks a chunk again: what each peer holds of it would only cost
        // heap (a selector entry per peer per file: 100+ MB at 10,000 files and 64 peers)
        if (d != null && !d.isBanned(s.peer()) && !d.isComplete()) {
            d.selector.peerHas(s, bitmap);
            pump.pump(s);
        }
    }

    @Override
    public void onHave(PeerSession s, SwarmInbound.Have m) {
        Hash fileId = m.fileId();
        Download d = files.get(fileId);
        List<Integer> shown = new ArrayList<>();
        for (int index : m.indices()) {
            if (view.add(fileId, s.peer(), index) && d != null && !d.isBanned(s.peer()) && !d.isComplete()) {
                d.selector.peerHasChunk(s, index);
            }
            if (d != null && d.superSeed != null) {
                shown.addAll(d.superSeed.peerHas(s, index));
            }
        }
        if (!shown.isEmpty()) {
            s.send(SwarmMessages.haveChunks(d, shown));
        }
        if (d != null && d.superSeed != null) {
            superSeeding.endIfDone(d);
        }
        pump.pump(s);
    }

    void onReject(PeerSession s, SwarmInbound.Refusal m) {
        pump.onReject(s, m);
    }

    void onChunk(PeerSession s, ChunkFrame frame) {
        intake.onChunk(s, frame);
    }

    private void lastChunk(Download d) {
        // saved before the rename into place: a crash between the two is recognised by the full bitmap
        saveBitmap(d);
        d.finishing = true;
        onComplete.accept(d);
    }

    /**
     * Saves the bitmaps of the chunks verified since the last save. Once a second rather than per
     * chunk: each save rewrites the whole bitmap (8 KiB at 65,536 chunks), so per-chunk saves grew
     * with the square of the chunk count. A bitmap that lags only makes a restart fetch a second's
     * chunks again; it never claims a chunk that is not on disk.
     */
    void saveBitmaps() {
        for (Download d : files.values()) {
            saveBitmap(d);
        }
    }

    /** Saves what peers said they hold where it changed, once a second like the bitmaps: it only feeds progress displays. */
    void savePeerHolds() {
        peerHolds.save(view.changedHolds(files.keySet()));
    }

    private void saveBitmap(Download d) {
        if (d.bitmapUnsaved) {
            d.bitmapUnsaved = false;
            bitmaps.save(d.fileId.bytes(), d.have);
            stats.bitmapSaves.incrementAndGet();
        }
    }

    /** Once a second: save bitmaps and peers' counts, sample rates, re-request what stalled, keep every pipeline full. */
    void tick() {
        saveBitmaps();
        savePeerHolds();
        superSeeding.rebalance(files.values());
        pump.tick();
        pump.pumpAll();
    }

    double rate(PeerSession s) {
        return pump.rate(s);
    }

    private List<PeerSession> members() {
        return network.sessions().stream().filter(PeerSession::isMember).toList();
    }
}

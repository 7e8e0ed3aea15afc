package io.swiftserve.transfer;

import com.google.protobuf.ByteString;
import io.swiftserve.chain.Hash;
import io.swiftserve.chain.TransactionRules;
import io.swiftserve.identity.NodeId;
import io.swiftserve.net.ChunkFrame;
import io.swiftserve.net.PeerNetwork;
import io.swiftserve.net.PeerSession;
import io.swiftserve.proto.CancelChunk;
import io.swiftserve.proto.ChunkReject;
import io.swiftserve.proto.Envelope;
import io.swiftserve.proto.HaveBitmap;
import io.swiftserve.proto.HaveChunks;
import io.swiftserve.proto.RequestChunk;
import io.swiftserve.util.LogText;
import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.BitSet;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.OptionalInt;
import java.util.concurrent.Executor;
import java.util.function.Consumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The pull swarm: tells peers what we hold, asks several peers at once for what we lack, and takes
 * in verified chunks. All state changes run on the transfer thread; hashing and writing a received
 * chunk run on the I/O pool, so neither the event loops nor the scheduler wait on the disk.
 */
final class Swarm {
    private static final Logger log = LoggerFactory.getLogger(Swarm.class);

    private final Map<Hash, Download> files;
    private final SwarmView view;
    private final BitmapStore bitmaps;
    private final PeerHoldsStore peerHolds;
    private final TransferStats stats;
    private final PeerNetwork network;
    private final Executor transferThread;
    private final Executor io;
    private final Executor writeback;
    private final Consumer<Download> onComplete;
    static final int END_GAME_DUPLICATES_PER_PEER = 2;
    /** A peer that served a chunk failing its hash: long enough that a liar costs little, short of forever. */
    static final long CORRUPT_BAN_NANOS = 300_000_000_000L;
    /** A peer that refused a chunk it announced: it may have just lost or replaced the file; ask again soon. */
    static final long REFUSAL_BAN_NANOS = 10_000_000_000L;
    private final Requests requests = new Requests();
    private int rotation;

    Swarm(Map<Hash, Download> files, SwarmView view, BitmapStore bitmaps, PeerHoldsStore peerHolds, TransferStats stats,
          PeerNetwork network, Executor transferThread, Executor io, Executor writeback, Consumer<Download> onComplete) {
        this.files = files;
        this.view = view;
        this.bitmaps = bitmaps;
        this.peerHolds = peerHolds;
        this.stats = stats;
        this.network = network;
        this.transferThread = transferThread;
        this.io = io;
        this.writeback = writeback;
        this.onComplete = onComplete;
    }

    /** Super-seeding pays off with at least two downloaders and more chunks than it shows at once. */
    void superSeedIfWorthIt(Download d) {
        if (d.have.isComplete() && d.layout.chunkCount() > 4 * SuperSeed.SHOWN_PER_PEER && members().size() >= 2) {
            d.superSeed = new SuperSeed<>(d.layout.chunkCount(), d.layout.chunkSize());
            log.info("super-seeding {}: each peer is shown a few chunks nobody else has", d);
        }
    }

    void add(Download d) {
        files.put(d.fileId, d);
        // peers that knew the version before us sent their bitmaps already, and we may not have kept them
        if (d.superSeed == null) {
            network.broadcast(bitmapOf(d, true), null);
        } else {
            members().forEach(s -> s.send(bitmapFor(d, s, true)));
        }
        for (PeerSession s : members()) {
            view.bitmap(d.fileId, s.peer()).ifPresent(b -> d.selector.peerHas(s, b));
        }
        pumpAll();
    }

    void remove(Download d) {
        files.remove(d.fileId, d);
        requests.removeDownload(d);
        view.forget(d.fileId);
    }

    void sessionUp(PeerSession s) {
        for (Download d : files.values()) {
            s.send(bitmapFor(d, s, false));
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
            Map<NodeId, ChunkBitmap> known = view.peers(d.fileId);
            boolean anyHolder = peers.stream().anyMatch(p -> {
                ChunkBitmap b = known.get(p.peer());
                return b != null && b.cardinality() > 0;
            });
            if (!anyHolder) {
                network.broadcast(bitmapOf(d, true), null);
                asked++;
            }
        }
        return asked;
    }

    void sessionDown(PeerSession s) {
        files.values().forEach(d -> d.selector.peerGone(s));
        for (Download d : files.values()) {
            if (d.superSeed != null) {
                d.superSeed.peerGone(s);
            }
        }
        requests.remove(s);
        pumpAll();
    }

    void onBitmap(PeerSession s, HaveBitmap m) {
        if (m.getFileId().size() != 32) {
            return;
        }
        Hash fileId = Hash.of(m.getFileId().toByteArray());
        Download d = files.get(fileId);
        ChunkBitmap bitmap;
        if (m.getChunks() > TransactionRules.MAX_CHUNKS
                || (d == null && !view.knows(fileId) && view.fileCount() - files.size() >= SwarmView.MAX_UNKNOWN_FILES)) {
            // no ledger file has more chunks; bitmaps of versions we do not know yet are kept only a few at a time
            log.debug("ignoring bitmap of {} from {}", fileId.shortHex(), s.peer().shortId());
            return;
        }
        try {
            if (d != null && m.getChunks() != d.layout.chunkCount()) {
                throw new IllegalArgumentException("chunk count " + m.getChunks() + " instead of " + d.layout.chunkCount());
            }
            bitmap = ChunkBitmap.fromBytes(m.getChunks(), m.getBitmap().toByteArray());
        } catch (IllegalArgumentException e) {
            log.warn("ignoring bitmap of {} from {}: {}", fileId.shortHex(), s.peer().shortId(), LogText.escape(e.getMessage()));
            return;
        }
        view.put(fileId, s.peer(), bitmap);
        view.claim(fileId, s.peer(), m.getHolds());
        if (d != null && d.superSeed != null) {
            BitSet before = d.superSeed.shownTo(s);
            BitSet now = d.superSeed.show(s, bitmap);
            if (m.getReply() || !now.equals(before)) {
                s.send(bitmapMessage(d, now, false));
            }
            endSuperSeedIfDone(d);
        } else if (m.getReply() && d != null) {
            s.send(bitmapOf(d, false));
        }
        if (d != null && !d.isBanned(s.peer())) {
            d.selector.peerHas(s, bitmap);
            pump(s);
        }
    }

    void onHave(PeerSession s, HaveChunks m) {
        if (m.getFileId().size() != 32) {
            return;
        }
        Hash fileId = Hash.of(m.getFileId().toByteArray());
        Download d = files.get(fileId);
        List<Integer> shown = new ArrayList<>();
        for (int index : m.getIndicesList()) {
            if (view.add(fileId, s.peer(), index) && d != null && !d.isBanned(s.peer())) {
                d.selector.peerHasChunk(s, index);
            }
            if (d != null && d.superSeed != null) {
                shown.addAll(d.superSeed.peerHas(s, index));
            }
        }
        if (!shown.isEmpty()) {
            s.send(haveChunks(d, shown));
        }
        if (d != null && d.superSeed != null) {
            endSuperSeedIfDone(d);
        }
        pump(s);
    }

    /** The peer refused a request: it does not hold what it announced, so it leaves this file's swarm. */
    void onReject(PeerSession s, ChunkReject m) {
        Download d = m.getFileId().size() == 32 ? files.get(Hash.of(m.getFileId().toByteArray())) : null;
        if (d == null || !requests.done(s, d, m.getIndex())) {
            return;
        }
        log.info("{} refused chunk {} of {} ({}); not asking it for this file for {} s", s.peer().shortId(), m.getIndex(), d,
                LogText.escape(m.getReason()), REFUSAL_BAN_NANOS / 1_000_000_000L);
        ban(s, d, REFUSAL_BAN_NANOS);
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
            boolean ok = length == d.layout.length(index) && FileHasher.matches(data, d.entry.chunkHashes(), index);
            String writeError = null;
            try {
                PartialFile p = d.partial;
                if (ok && !d.have.get(index) && p != null) {
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
        requests.done(s, d, index);
        if (files.get(d.fileId) != d || d.isComplete() || d.finishing) {
            return;
        }
        if (writeError != null) {
            if (d.error == null) {
                log.error("cannot write {}: {}; retrying in 5 s", d, writeError);
            }
            d.error = writeError;
            d.retryAfterNanos = System.nanoTime() + 5_000_000_000L;
            d.selector.failed(s, index);
            return;
        }
        if (!ok) {
            stats.chunksFailed.incrementAndGet();
            log.warn("chunk {} of {} from {} failed verification; dropping that peer from this file's swarm for {} s",
                    index, d, s.peer().shortId(), CORRUPT_BAN_NANOS / 1_000_000_000L);
            ban(s, d, CORRUPT_BAN_NANOS);
            return;
        }
        d.error = null;
        if (d.have.set(index)) {
            stats.chunksVerified.incrementAndGet();
            d.bitmapUnsaved = true;
            network.broadcast(haveChunks(d, List.of(index)), null);
        }
        for (PeerSession loser : d.selector.received(s, index)) {
            if (requests.done(loser, d, index)) {
                loser.send(Envelope.newBuilder().setCancelChunk(CancelChunk.newBuilder()
                        .setFileId(ByteString.copyFrom(d.fileId.bytes())).setIndex(index)).build());
            }
        }
        if (d.have.isComplete()) {
            // saved before the rename into place: a crash between the two is recognised by the full bitmap
            saveBitmap(d);
            d.finishing = true;
            onComplete.accept(d);
        }
        pump(s);
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

    private void ban(PeerSession s, Download d, long nanos) {
        d.ban(s.peer(), nanos);
        d.selector.peerGone(s);
        pumpAll();
    }

    /** Once a second: save bitmaps and peers' counts, sample rates, re-request what stalled, keep every pipeline full. */
    void tick() {
        saveBitmaps();
        savePeerHolds();
        requests.sampleRates();
        for (Download d : files.values()) {
            if (d.superSeed != null) {
                d.superSeed.rebalance().forEach((s, shown) -> s.send(haveChunks(d, shown)));
            }
        }
        for (Download d : files.values()) {
            for (NodeId peer : d.expireBans()) {
                network.session(peer).filter(PeerSession::isMember).ifPresent(s ->
                        view.bitmap(d.fileId, peer).ifPresent(b -> d.selector.peerHas(s, b)));
            }
        }
        for (Map.Entry<PeerSession, Requests.Key> e : requests.expired(System.nanoTime())) {
            Requests.Key k = e.getValue();
            log.info("chunk {} of {} from {} timed out; asking elsewhere", k.index(), k.download(), e.getKey().peer().shortId());
            k.download().selector.failed(e.getKey(), k.index());
        }
        pumpAll();
    }

    void pumpAll() {
        members().forEach(this::pump);
    }

    private void pump(PeerSession s) {
        if (!s.isMember() || !s.channel().isActive()) {
            return;
        }
        List<Download> active = new ArrayList<>();
        long now = System.nanoTime();
        for (Download d : files.values()) {
            if (!d.isComplete() && !d.finishing && now >= d.retryAfterNanos && !d.isBanned(s.peer())) {
                active.add(d);
            }
        }
        boolean sent = false;
        int start = active.isEmpty() ? 0 : Math.floorMod(rotation++, active.size());
        for (int i = 0; i < active.size(); i++) {
            Download d = active.get((start + i) % active.size());
            int minDepth = view.superSeeding(d.fileId, s.peer()) ? Requests.SUPER_SEED_MIN_DEPTH : Requests.MIN_DEPTH;
            int budget = requests.budget(s, d.layout.chunkSize(), minDepth);
            if (budget <= 0) {
                break;
            }
            int duplicates = -1; // counted only when the selector first offers a duplicate: rare before the end game
            while (budget-- > 0) {
                OptionalInt next = d.selector.next(s);
                if (next.isEmpty()) {
                    break;
                }
                // end game: a few duplicates per peer finish the tail; more only waste the downlink, and
                // so does duplicating a request that is not late yet (the selector offers the oldest first)
                if (d.selector.requesters(next.getAsInt()) > 0) {
                    if (duplicates < 0) {
                        duplicates = requests.count(s, k -> k.download() == d && d.selector.requesters(k.index()) > 1);
                    }
                    if (++duplicates > END_GAME_DUPLICATES_PER_PEER || !requests.isLate(d, next.getAsInt(), now)) {
                        break;
                    }
                }
                d.selector.requested(s, next.getAsInt());
                requests.sent(s, d, next.getAsInt());
                s.channel().write(Envelope.newBuilder().setRequestChunk(RequestChunk.newBuilder()
                        .setFileId(ByteString.copyFrom(d.fileId.bytes())).setIndex(next.getAsInt())).build());
                sent = true;
            }
        }
        if (sent) {
            s.channel().flush();
        }
    }

    double rate(PeerSession s) {
        return requests.rate(s);
    }

    private List<PeerSession> members() {
        return network.sessions().stream().filter(PeerSession::isMember).toList();
    }

    /** Some peer holds every chunk: from now on everyone may ask this seed for anything. */
    private void endSuperSeedIfDone(Download d) {
        if (d.superSeed.isDone()) {
            d.superSeed = null;
            log.info("super-seeding {} done: peers hold every chunk between them; announcing all of it", d);
            network.broadcast(bitmapOf(d, false), null);
        }
    }

    /** Our bitmap of {@code d} as {@code s} may see it: all of it, or while super-seeding what it was shown. */
    private Envelope bitmapFor(Download d, PeerSession s, boolean reply) {
        if (d.superSeed == null) {
            return bitmapOf(d, reply);
        }
        ChunkBitmap holds = view.bitmap(d.fileId, s.peer()).orElse(new ChunkBitmap(d.layout.chunkCount()));
        return bitmapMessage(d, d.superSeed.show(s, holds), reply);
    }

    /** What a super-seeding seed shows: {@code shown}, with the true count in {@code holds}. */
    private static Envelope bitmapMessage(Download d, BitSet shown, boolean reply) {
        ChunkBitmap b = new ChunkBitmap(d.layout.chunkCount());
        shown.stream().forEach(b::set);
        return bitmap(d, b, reply, d.have.cardinality());
    }

    static Envelope bitmapOf(Download d, boolean reply) {
        return bitmap(d, d.have, reply, 0);
    }

    private static Envelope bitmap(Download d, ChunkBitmap bits, boolean reply, int holds) {
        return Envelope.newBuilder().setHaveBitmap(HaveBitmap.newBuilder()
                .setFileId(ByteString.copyFrom(d.fileId.bytes()))
                .setChunks(d.layout.chunkCount())
                .setBitmap(ByteString.copyFrom(bits.toBytes()))
                .setReply(reply)
                .setHolds(holds)).build();
    }

    static Envelope haveChunks(Download d, Collection<Integer> indices) {
        return Envelope.newBuilder().setHaveChunks(HaveChunks.newBuilder()
                .setFileId(ByteString.copyFrom(d.fileId.bytes())).addAllIndices(indices)).build();
    }
}

package io.swiftserve.transfer;

import io.swiftserve.chain.Hash;
import io.swiftserve.identity.NodeId;
import io.swiftserve.net.PeerNetwork;
import io.swiftserve.net.PeerSession;
import io.swiftserve.util.Ambient;
import io.swiftserve.util.LogText;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.OptionalInt;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Keeps every peer's request pipeline full: which chunk to ask whom for next (through each file's
 * {@link PieceSelector}), how many may be in flight ({@link Requests}), the end game's duplicates,
 * and which peers are banned from a file for a while. The only code that sends RequestChunk.
 * Runs on the transfer thread.
 */
final class RequestPump {
    /** The lines keep the logger they had before this class was split out of Swarm. */
    private static final Logger log = LoggerFactory.getLogger(Swarm.class);

    static final int END_GAME_DUPLICATES_PER_PEER = 2;
    /** A peer that refused a chunk it announced: it may have just lost or replaced the file; ask again soon. */
    static final long REFUSAL_BAN_NANOS = 10_000_000_000L;

    private final Map<Hash, Download> files;
    private final SwarmView view;
    private final PeerNetwork network;
    private final Supplier<List<PeerSession>> members;
    private final Requests requests = new Requests();

    RequestPump(Map<Hash, Download> files, SwarmView view, PeerNetwork network, Supplier<List<PeerSession>> members) {
        this.files = files;
        this.view = view;
        this.network = network;
        this.members = members;
    }

    /** Marks a request answered; false if it was not outstanding (cancelled, timed out, never sent). */
    boolean done(PeerSession s, Download d, int index) {
        return requests.done(s, d, index);
    }

    /**
     * Downloads with chunks still to ask for, in the order the pump offers them: a pump walks these,
     * not every file this node holds. Transfer thread only.
     */
    private final java.util.Set<Download> incomplete = new java.util.LinkedHashSet<>();

    void addDownload(Download d) {
        if (!d.isComplete()) {
            incomplete.add(d);
        }
    }

    void removeDownload(Download d) {
        incomplete.remove(d);
        requests.removeDownload(d);
    }

    void sessionDown(PeerSession s) {
        requests.remove(s);
    }

    double rate(PeerSession s) {
        return requests.rate(s);
    }

    /** The peer refused a request: it does not hold what it announced, so it leaves this file's swarm. */
    void onReject(PeerSession s, SwarmInbound.Refusal m) {
        Download d = files.get(m.fileId());
        if (d == null || !requests.done(s, d, m.index())) {
            return;
        }
        log.info(
                "{} refused chunk {} of {} ({}); not asking it for this file for {} s",
                s.peer().shortId(),
                m.index(),
                d,
                LogText.escape(m.reason()),
                REFUSAL_BAN_NANOS / 1_000_000_000L);
        ban(s, d, REFUSAL_BAN_NANOS);
    }

    void ban(PeerSession s, Download d, long nanos) {
        d.ban(s.peer(), nanos);
        d.selector.peerGone(s);
        pumpAll();
    }

    /** Once a second: lift expired bans, sample rates and hand timed-out requests to other peers. */
    void tick() {
        requests.sampleRates();
        for (Download d : incomplete) {
            for (NodeId peer : d.expireBans()) {
                network.session(peer)
                        .filter(PeerSession::isMember)
                        .ifPresent(s -> view.bitmap(d.fileId, peer).ifPresent(b -> d.selector.peerHas(s, b)));
            }
        }
        for (Map.Entry<PeerSession, Requests.Key> e : requests.expired(Ambient.nanoTime())) {
            Requests.Key k = e.getValue();
            log.info(
                    "chunk {} of {} from {} timed out; asking elsewhere",
                    k.index(),
                    k.download(),
                    e.getKey().peer().shortId());
            k.download().selector.failed(e.getKey(), k.index());
        }
    }

    void pumpAll() {
        members.get().forEach(this::pump);
    }

    /**
     * Fills {@code s}'s pipeline from the downloads in turn, stopping when its budget is spent: a
     * node with thousands of small files queued walks the few it can ask for, not all of them at
     * every HAVE. The downloads it asked for go to the back, so the next pump starts with others.
     */
    void pump(PeerSession s) {
        if (!s.isMember() || !s.isOpen()) {
            return;
        }
        long now = Ambient.nanoTime();
        List<Download> served = new ArrayList<>();
        for (java.util.Iterator<Download> it = incomplete.iterator(); it.hasNext(); ) {
            Download d = it.next();
            if (d.isComplete() || d.finishing) {
                it.remove(); // completed since: never asked for again
                continue;
            }
            if (now < d.retryAfterNanos || d.isBanned(s.peer())) {
                continue;
            }
            int minDepth = view.superSeeding(d.fileId, s.peer()) ? Requests.SUPER_SEED_MIN_DEPTH : Requests.MIN_DEPTH;
            int budget = requests.budget(s, d.layout.chunkSize(), minDepth);
            if (budget <= 0) {
                break;
            }
            if (fill(s, d, budget, now)) {
                served.add(d);
            }
        }
        for (Download d : served) {
            incomplete.remove(d);
            incomplete.add(d);
        }
        if (!served.isEmpty()) {
            s.flush();
        }
    }

    /** Asks {@code s} for up to {@code budget} chunks of {@code d}; true if it asked for any. */
    private boolean fill(PeerSession s, Download d, int budget, long now) {
        boolean sent = false;
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
            s.write(SwarmMessages.requestChunk(d, next.getAsInt()));
            sent = true;
        }
        return sent;
    }
}

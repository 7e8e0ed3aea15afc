package io.swiftserve.gossip;

import io.swiftserve.identity.NodeId;
import io.swiftserve.net.MessageRouter;
import io.swiftserve.net.PeerNetwork;
import io.swiftserve.net.PeerSession;
import io.swiftserve.proto.Envelope;
import io.swiftserve.proto.PeerList;
import io.swiftserve.proto.SignedPeerRecord;
import io.swiftserve.util.Ambient;
import java.util.List;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Swaps signed address records with the peers (at most a bounded random sample per message), so
 * every member learns where the others are; {@link Overlay} decides whom to dial.
 */
public final class PeerExchange {
    private static final Logger log = LoggerFactory.getLogger(PeerExchange.class);
    static final int SAMPLE = 10;

    private final PeerNetwork network;
    private final AddressBook book;
    private final NodeId self;
    private final Overlay overlay;
    private final ScheduledExecutorService timer;
    /** When each session last got an answer to want_reply: one a second, whatever it asks. */
    private final java.util.Map<PeerSession, Long> replied = new java.util.concurrent.ConcurrentHashMap<>();

    private static final long REPLY_EVERY_MS = 1_000;
    /**
     * A node short of members to dial asks for addresses every second at first, then half as often
     * each time nothing new came back, down to this: a network smaller than the overlay's degree
     * wants addresses for ever, and its members need not ask each other every second for ever.
     */
    static final long MAX_ASK_EVERY_MS = 8_000;

    private volatile long askEveryMs = 1_000;
    private volatile long nextAskMs;

    public PeerExchange(PeerNetwork network, AddressBook book, Overlay overlay, ScheduledExecutorService timer) {
        this.network = network;
        this.book = book;
        this.self = network.local().key().id();
        this.overlay = overlay;
        this.timer = timer;
    }

    public void register(MessageRouter router) {
        router.on(Envelope.BodyCase.PEER_LIST, (from, m) -> onPeerList(from, m.getPeerList()));
    }

    public void start() {
        timer.scheduleWithFixedDelay(this::tick, 0, 1, TimeUnit.SECONDS);
        timer.scheduleWithFixedDelay(this::gossipSample, 15, 15, TimeUnit.SECONDS);
    }

    /** One extra round is queued at most, however many lists bring news at once. */
    private final java.util.concurrent.atomic.AtomicBoolean roundSoon = new java.util.concurrent.atomic.AtomicBoolean();

    /** The overlay's round, then a request for addresses when it found too few members to dial. */
    private void tick() {
        roundSoon.set(false);
        overlay.tick();
        replied.keySet().removeIf(s -> !s.isOpen());
        long now = Ambient.currentTimeMillis();
        if (!overlay.wantsAddresses()) {
            askEveryMs = 1_000;
        } else if (now >= nextAskMs) {
            nextAskMs = now + askEveryMs;
            askEveryMs = Math.min(MAX_ASK_EVERY_MS, askEveryMs * 2);
            List<PeerSession> sessions =
                    network.sessions().stream().filter(PeerSession::isMember).toList();
            if (!sessions.isEmpty()) {
                PeerList.Builder ask = peerList().getPeerList().toBuilder().setWantReply(true);
                sessions.get(Ambient.random().nextInt(sessions.size()))
                        .send(Envelope.newBuilder().setPeerList(ask).build());
            }
        }
    }

    public void sessionUp(PeerSession session) {
        session.send(peerList());
    }

    private Envelope peerList() {
        PeerList.Builder list = PeerList.newBuilder();
        book.signed(self).ifPresent(list::addPeers);
        book.sample(SAMPLE).stream()
                .filter(r -> !list.getPeersList().contains(r))
                .forEach(list::addPeers);
        return Envelope.newBuilder().setPeerList(list).build();
    }

    private void gossipSample() {
        List<PeerSession> sessions =
                network.sessions().stream().filter(PeerSession::isMember).toList();
        if (!sessions.isEmpty()) {
            sessions.get(Ambient.random().nextInt(sessions.size())).send(peerList());
        }
    }

    private void onPeerList(PeerSession from, PeerList list) {
        int taken = 0;
        for (SignedPeerRecord r : list.getPeersList().stream().limit(SAMPLE + 1).toList()) {
            if (book.accept(r, true)) {
                taken++;
            }
        }
        if (taken > 0) {
            log.debug("{} new address records from {}", taken, from.peer().shortId());
            askEveryMs = 1_000; // there was more to learn: ask again soon
            nextAskMs = 0;
            // a member just learned of is dialled now, not at the next round up to a second later:
            // a node that joins meets the other members as soon as the first one tells it where they are
            if (roundSoon.compareAndSet(false, true)) {
                timer.execute(this::tick);
            }
        }
        if (list.getWantReply()) {
            long now = Ambient.currentTimeMillis();
            Long last = replied.get(from);
            if (last == null || now - last >= REPLY_EVERY_MS) {
                replied.put(from, now);
                from.send(peerList());
            }
        }
    }
}

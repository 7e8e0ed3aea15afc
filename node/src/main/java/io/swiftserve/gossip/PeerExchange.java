package io.swiftserve.gossip;

import io.swiftserve.chain.Blockchain;
import io.swiftserve.identity.NodeId;
import io.swiftserve.net.MessageRouter;
import io.swiftserve.net.NetAddresses;
import io.swiftserve.net.PeerNetwork;
import io.swiftserve.net.PeerSession;
import io.swiftserve.proto.Envelope;
import io.swiftserve.proto.PeerList;
import io.swiftserve.proto.SignedPeerRecord;
import io.swiftserve.util.LogText;
import java.net.InetSocketAddress;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Keeps this node connected to the other members: swaps signed address records (at most a bounded
 * random sample per message), and dials members it is not connected to, with exponential backoff
 * per member, up to a connection limit.
 */
public final class PeerExchange {
    private static final Logger log = LoggerFactory.getLogger(PeerExchange.class);
    static final int SAMPLE = 10;
    static final long MAX_BACKOFF_MS = 60_000;

    private final PeerNetwork network;
    private final AddressBook book;
    private final Blockchain chain;
    private final NodeId self;
    private final List<InetSocketAddress> bootstrap;
    private final int maxPeers;
    private final ScheduledExecutorService timer;
    private final Map<NodeId, Backoff> backoff = new ConcurrentHashMap<>();
    private final Map<NodeId, Boolean> dialing = new ConcurrentHashMap<>();
    private volatile long bootstrapNextMs;

    private static final class Backoff {
        long nextMs;
        long delayMs = 500;
    }

    public PeerExchange(PeerNetwork network, AddressBook book, Blockchain chain, List<InetSocketAddress> bootstrap,
                        int maxPeers, ScheduledExecutorService timer) {
        this.network = network;
        this.book = book;
        this.chain = chain;
        this.self = network.local().key().id();
        this.bootstrap = bootstrap;
        this.maxPeers = maxPeers;
        this.timer = timer;
    }

    public void register(MessageRouter router) {
        router.on(Envelope.BodyCase.PEER_LIST, (from, m) -> onPeerList(from, m.getPeerList()));
    }

    public void start() {
        timer.scheduleWithFixedDelay(this::dialMissing, 0, 1, TimeUnit.SECONDS);
        timer.scheduleWithFixedDelay(this::gossipSample, 15, 15, TimeUnit.SECONDS);
    }

    public void sessionUp(PeerSession session) {
        backoff.remove(session.peer());
        session.send(peerList());
    }

    private Envelope peerList() {
        PeerList.Builder list = PeerList.newBuilder();
        book.signed(self).ifPresent(list::addPeers);
        book.sample(SAMPLE).stream().filter(r -> !list.getPeersList().contains(r)).forEach(list::addPeers);
        return Envelope.newBuilder().setPeerList(list).build();
    }

    private void gossipSample() {
        List<PeerSession> sessions = network.sessions().stream().filter(PeerSession::isMember).toList();
        if (!sessions.isEmpty()) {
            sessions.get(java.util.concurrent.ThreadLocalRandom.current().nextInt(sessions.size())).send(peerList());
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
        }
    }

    private void dialMissing() {
        try {
            long now = System.currentTimeMillis();
            if (network.sessions().size() >= maxPeers) {
                return;
            }
            var state = chain.state();
            if (!state.isMember(self)) {
                return;
            }
            for (NodeId id : book.known()) {
                if (id.equals(self) || !state.isMember(id) || !network.allows(id) || network.session(id).isPresent()
                        || dialing.containsKey(id)) {
                    continue;
                }
                Backoff b = backoff.computeIfAbsent(id, k -> new Backoff());
                if (now < b.nextMs) {
                    continue;
                }
                b.nextMs = now + b.delayMs;
                b.delayMs = Math.min(b.delayMs * 2, MAX_BACKOFF_MS);
                List<String> addrs = book.addresses(id);
                if (!addrs.isEmpty()) {
                    dial(id, addrs.get((int) (Math.random() * addrs.size())));
                }
            }
            if (network.sessions().isEmpty() && !bootstrap.isEmpty() && now >= bootstrapNextMs) {
                bootstrapNextMs = now + 5_000;
                bootstrap.forEach(a -> network.connect(a, null).exceptionally(e -> null));
            }
        } catch (RuntimeException e) {
            log.warn("peer dialling failed: {}", e.toString());
        }
    }

    private void dial(NodeId id, String address) {
        InetSocketAddress target;
        try {
            target = NetAddresses.parse(address);
        } catch (IllegalArgumentException e) {
            return;
        }
        dialing.put(id, true);
        network.connect(target, null).whenComplete((s, e) -> {
            dialing.remove(id);
            if (e != null) {
                log.debug("dialling {} at {} failed: {}", id.shortId(), LogText.escape(address), LogText.escape(e.getMessage()));
            }
        });
    }
}

package io.swiftserve.gossip;

import io.swiftserve.chain.Blockchain;
import io.swiftserve.chain.LedgerState;
import io.swiftserve.identity.NodeId;
import io.swiftserve.net.NetAddresses;
import io.swiftserve.net.PeerNetwork;
import io.swiftserve.net.PeerSession;
import io.swiftserve.proto.Envelope;
import io.swiftserve.proto.PeerList;
import io.swiftserve.util.Ambient;
import io.swiftserve.util.LogText;
import java.net.InetSocketAddress;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.Comparator;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Keeps this node's overlay a bounded random graph instead of a full mesh: it dials members chosen
 * at random from the address book until it holds {@code outbound} outbound member sessions (more
 * while few members dialled it, until it holds twice that in all), closes outbound sessions beyond
 * {@code maxPeers}, refuses inbound members beyond {@code maxPeers - outbound} after handing them up
 * to 10 other members' addresses, and every {@code rotateEvery} swaps one outbound peer for a random
 * other one. Random choice gives an expander-like graph (short paths, no hubs); the rotation is what
 * reconnects two halves of a healed partition whose slots filled up inside each half. Everything
 * runs on the timer thread.
 */
public final class Overlay {
    private static final Logger log = LoggerFactory.getLogger(Overlay.class);
    static final int HAND_OFF = 10;
    static final long MAX_BACKOFF_MS = 60_000;
    /**
     * An inbound member session younger than this is never trimmed: a joiner becomes a member on its
     * join connection and syncs the chain over it, and must not be cut off mid-join.
     */
    static final long SETTLE_MS = 30_000;

    /** The overlay's bounds: outbound target, all sessions at most, how often one outbound peer is swapped (zero: never). */
    public record Options(int outbound, int maxPeers, Duration rotateEvery) {
        /**
         * A node's download rate follows its number of sessions (each uploader shares its link among
         * its sessions), so the simulation's stragglers were the nodes with the fewest. A large
         * inbound cap (56) let the bootstrap peers gather dozens while others kept 8 (64 nodes,
         * 256 MiB: 1.54 x T_min; 1.22 x with 16 in all). A cap equal to the degree left no free
         * slot: a node few members dialled kept 6 sessions, which it could not refill (256 nodes at
         * 1 Gbit/s: 6 to 16 sessions, 1.53 x). Half the degree of slack lets every node fill to
         * twice the degree.
         */
        public static final Options DEFAULT = of(8);

        /** The defaults for an outbound degree: at most 2.5 times it in all, one rotation every 3 min. */
        public static Options of(int outbound) {
            return new Options(outbound, outbound * 5 / 2, Duration.ofMinutes(3));
        }

        public Options {
            if (outbound < 1 || maxPeers <= outbound) {
                throw new IllegalArgumentException(
                        "need 1 <= outbound degree < max peers, got " + outbound + " and " + maxPeers);
            }
            if (rotateEvery.isNegative()) {
                throw new IllegalArgumentException("rotation period must not be negative");
            }
        }

        public int inboundCap() {
            return maxPeers - outbound;
        }

        /**
         * How many sessions this node dials while {@code inbound} members dialled it: the degree, and
         * more while it holds fewer than twice the degree in all.
         */
        int outboundWanted(int inbound) {
            return Math.max(outbound, Math.min(maxPeers, 2 * outbound) - inbound);
        }
    }

    private final PeerNetwork network;
    private final AddressBook book;
    private final Blockchain chain;
    private final NodeId self;
    private final List<InetSocketAddress> bootstrap;
    private final Options options;
    private final Random random;
    private final Map<NodeId, Backoff> backoff = new ConcurrentHashMap<>();
    private final Map<NodeId, Boolean> dialing = new ConcurrentHashMap<>();
    /**
     * Addresses members were just heard at on the LAN (discovery), one per member: dialled before the
     * address book's, whose records may predate the member's new address. Dropped when a dial fails.
     */
    private final Map<NodeId, InetSocketAddress> heard = new ConcurrentHashMap<>();
    /** What the last rounds saw of the sessions: their age, their traffic, which stayed open. */
    private final SessionRounds rounds = new SessionRounds();

    private long bootstrapNextMs;
    private long nextRotationMs;

    private static final class Backoff {
        long nextMs;
        long delayMs = 500;
    }

    public Overlay(
            PeerNetwork network,
            AddressBook book,
            Blockchain chain,
            List<InetSocketAddress> bootstrap,
            Options options,
            Random random) {
        this.network = network;
        this.book = book;
        this.chain = chain;
        this.self = network.local().key().id();
        this.bootstrap = bootstrap;
        this.options = options;
        this.random = random;
        this.nextRotationMs =
                Ambient.currentTimeMillis() + options.rotateEvery().toMillis();
    }

    public Options options() {
        return options;
    }

    /**
     * Whether a new session may stay. An inbound member beyond the inbound cap is handed other
     * members' addresses and closed, so it dials them instead (a full node still helps its dialler in).
     * Within the cap it stays even when this node is full: one of the sessions this node dialled
     * beyond the degree makes room, as a node few members dialled depends on free inbound slots. A
     * dial that completes into a full node is closed. A joiner promoted on its join connection stays:
     * it syncs the chain over it ({@link #SETTLE_MS}).
     */
    public boolean admit(PeerSession session) {
        if (!session.isMember() || session.promotedFromJoin()) {
            return true;
        }
        // a session closed a moment ago stays listed until its close completes: it is neither counted
        // nor closed twice when several members dial in at once
        List<PeerSession> members = network.sessions().stream()
                .filter(s -> s.isMember() && !s.isClosing())
                .toList();
        List<PeerSession> outbound =
                members.stream().filter(PeerSession::outbound).toList();
        boolean full = members.size() > options.maxPeers();
        if (session.outbound()) {
            if (full && outbound.size() > options.outbound()) {
                session.close("overlay full: " + options.maxPeers() + " peers");
                return false;
            }
            return true;
        }
        if (members.size() - outbound.size() > options.inboundCap()) {
            handOff(session);
            return false;
        }
        if (full && outbound.size() > options.outbound()) {
            outbound.get(random.nextInt(outbound.size())).close("overlay: room for a member that dialled in");
        }
        return true;
    }

    /** Hands {@code session}'s peer up to 10 other members' addresses, then closes it. */
    private void handOff(PeerSession session) {
        PeerList.Builder list = PeerList.newBuilder();
        var own = book.signed(session.peer());
        book.sample(HAND_OFF + 1).stream()
                .filter(r -> own.isEmpty() || !own.get().equals(r))
                .limit(HAND_OFF)
                .forEach(list::addPeers);
        session.send(Envelope.newBuilder().setPeerList(list).build());
        session.close(
                "overlay full: " + options.inboundCap() + " inbound peers, handed " + list.getPeersCount() + " others");
    }

    private volatile boolean wantsAddresses;

    /**
     * A member was heard at {@code address} (LAN discovery, already authenticated as its announcement):
     * a candidate to dial at the next round, at once if the address is new. The handshake still decides.
     */
    public void heard(NodeId id, InetSocketAddress address) {
        if (id.equals(self)) {
            return;
        }
        if (!address.equals(heard.put(id, address))) {
            backoff.remove(id);
        }
    }

    /**
     * Whether the last round could not dial as many members as it wanted: a node that learned the
     * fleet from one early bootstrap peer knows only the few records that peer had, and would wait
     * for the periodic gossip sample (15 s) to learn more. Asking as soon as the known members run
     * short, not only once none is left, filled 1,000 simulated nodes to 13 sessions or more within
     * 20 s instead of leaving some at 8.
     */
    public boolean wantsAddresses() {
        return wantsAddresses;
    }

    /** One round: dial toward the outbound target, close surplus outbound sessions, rotate when due. */
    public void tick() {
        try {
            LedgerState state = chain.state();
            if (!state.isMember(self)) {
                return;
            }
            long now = Ambient.currentTimeMillis();
            List<PeerSession> outbound = network.sessions().stream()
                    .filter(s -> s.outbound() && s.isMember() && !s.isClosing())
                    .toList();
            List<PeerSession> inbound = network.sessions().stream()
                    .filter(s -> !s.outbound() && s.isMember() && !s.isClosing())
                    .toList();
            // a peer's dial backoff starts over once a session with it has stayed open from one round
            // to the next, not at the handshake: a member whose inbound slots are full completes it,
            // hands the dialler other addresses and closes. Forgotten at the handshake, the backoff let
            // two full nodes of a 16-member fleet dial each other every round for as long as they ran
            // (80 sessions up per 10 s in the simulation, the seed among them in real runs)
            rounds.round(now, outbound, inbound).forEach(backoff::remove);
            heard.keySet().removeIf(id -> !state.isMember(id));
            if (inbound.size() > options.inboundCap()) {
                // joiners admitted here became members on their join sessions, past admit(): the
                // surplus is handed off once settled, the ones carrying the fewest chunks first
                rounds.sheddable(shuffled(inbound), now, SETTLE_MS).stream()
                        .limit(inbound.size() - options.inboundCap())
                        .forEach(this::handOff);
            }
            int wanted = options.outboundWanted(inbound.size());
            // extra outbound sessions go only once the total passes the bound: closing one whenever a
            // member dials in would take a session from a peer that may then dial again, and so on
            int keep =
                    Math.max(options.outbound(), options.maxPeers() - Math.min(inbound.size(), options.inboundCap()));
            if (outbound.size() > keep) {
                shuffled(outbound).stream()
                        .skip(keep)
                        .forEach(s -> s.close("overlay: more than " + options.maxPeers() + " peers"));
            } else if (!options.rotateEvery().isZero() && now >= nextRotationMs) {
                nextRotationMs = now + options.rotateEvery().toMillis();
                rotate(state, outbound);
            }
            int missing = wanted - outbound.size() - dialing.size();
            int dialled = dialMissing(state, now, missing);
            wantsAddresses = dialled < missing;
            if (network.sessions().isEmpty() && !bootstrap.isEmpty() && now >= bootstrapNextMs) {
                bootstrapNextMs = now + 5_000;
                bootstrap.forEach(a -> network.connect(a, null).exceptionally(e -> null));
            }
        } catch (RuntimeException e) {
            log.warn("overlay round failed: {}", e.toString());
        }
    }

    private List<PeerSession> shuffled(List<PeerSession> sessions) {
        List<PeerSession> out = new ArrayList<>(sessions);
        Collections.shuffle(out, random);
        return out;
    }

    /** Swaps one random outbound peer for a member this node is not connected to, if there is one. */
    private void rotate(LedgerState state, List<PeerSession> outbound) {
        if (outbound.size() < options.outbound() || candidates(state).isEmpty()) {
            return;
        }
        PeerSession leaving = outbound.get(random.nextInt(outbound.size()));
        log.debug("overlay: rotating out {}", leaving);
        leaving.close("overlay rotation");
    }

    /** Dials up to {@code wanted} members not tried too recently; returns how many it dialled. */
    private int dialMissing(LedgerState state, long now, int wanted) {
        if (wanted <= 0 || network.sessions().size() >= options.maxPeers()) {
            return Math.max(wanted, 0);
        }
        int dialled = 0;
        for (NodeId id : candidates(state)) {
            if (wanted == 0) {
                return dialled;
            }
            Backoff b = backoff.computeIfAbsent(id, k -> new Backoff());
            InetSocketAddress lan = heard.get(id);
            List<String> addrs = book.addresses(id);
            if (now < b.nextMs || (addrs.isEmpty() && lan == null)) {
                continue;
            }
            b.nextMs = now + b.delayMs;
            b.delayMs = Math.min(b.delayMs * 2, MAX_BACKOFF_MS);
            if (lan != null) {
                dial(id, lan, NetAddresses.join(lan.getHostString(), lan.getPort()));
            } else {
                dial(id, addrs.get(random.nextInt(addrs.size())));
            }
            wanted--;
            dialled++;
        }
        return dialled;
    }

    /** Members this node may dial: known, allowed, not connected and not being dialled, in random order. */
    private List<NodeId> candidates(LedgerState state) {
        List<NodeId> out = new ArrayList<>();
        Set<NodeId> known = new HashSet<>(book.known());
        known.addAll(heard.keySet());
        for (NodeId id : known) {
            if (!id.equals(self)
                    && state.isMember(id)
                    && network.allows(id)
                    && network.session(id).isEmpty()
                    && !dialing.containsKey(id)) {
                out.add(id);
            }
        }
        out.sort(Comparator.naturalOrder());
        Collections.shuffle(out, random);
        return out;
    }

    private void dial(NodeId id, String address) {
        InetSocketAddress target;
        try {
            target = NetAddresses.parse(address);
        } catch (IllegalArgumentException e) {
            return;
        }
        dial(id, target, address);
    }

    private void dial(NodeId id, InetSocketAddress target, String address) {
        dialing.put(id, true);
        network.connect(target, null).whenComplete((s, e) -> {
            dialing.remove(id);
            if (e != null) {
                // a LAN address that does not answer is forgotten; the next announcement brings it back
                heard.remove(id, target);
                log.debug(
                        "dialling {} at {} failed: {}",
                        id.shortId(),
                        LogText.escape(address),
                        LogText.escape(e.getMessage()));
            }
        });
    }
}

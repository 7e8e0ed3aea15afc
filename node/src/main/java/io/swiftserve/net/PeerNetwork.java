package io.swiftserve.net;

import io.swiftserve.identity.NodeId;
import io.swiftserve.proto.Envelope;
import io.swiftserve.proto.Join;
import java.net.InetSocketAddress;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * This node's sessions with its peers, whatever carries them (a {@link Fabric}: TCP in a daemon,
 * simulated links in the simulation tier): at most one session per peer, the membership check on
 * every message and broadcast, and the dispatch of what peers send to the {@link MessageRouter}.
 */
public final class PeerNetwork implements AutoCloseable {
    private static final Logger log = LoggerFactory.getLogger(PeerNetwork.class);

    private volatile LocalPeer local;
    private final Fabric fabric;
    private final HandshakePolicy policy;
    private final MessageRouter router;
    private final SessionListener listener;
    private final Fabric.Endpoint endpoint = new Endpoint();
    private final ConcurrentHashMap<NodeId, PeerSession> sessions = new ConcurrentHashMap<>();
    /** Every established session, also those served on the side of a peer's registered one. */
    private final java.util.Set<PeerSession> everySession = ConcurrentHashMap.newKeySet();

    private final java.util.concurrent.atomic.AtomicLong membersUp = new java.util.concurrent.atomic.AtomicLong();

    private boolean closed;
    private volatile java.util.function.Predicate<NodeId> peerFilter = id -> true;

    public PeerNetwork(LocalPeer local, HandshakePolicy policy, MessageRouter router, SessionListener listener) {
        this(local, policy, router, listener, Transport.TLS);
    }

    public PeerNetwork(
            LocalPeer local,
            HandshakePolicy policy,
            MessageRouter router,
            SessionListener listener,
            Transport transport) {
        this(local, policy, router, listener, new NettyFabric(transport));
    }

    public PeerNetwork(
            LocalPeer local, HandshakePolicy policy, MessageRouter router, SessionListener listener, Fabric fabric) {
        this.local = local;
        this.fabric = fabric;
        this.policy = policy;
        this.router = router;
        this.listener = listener;
    }

    /** Starts accepting peers; returns the bound port (useful with port 0). */
    public int bind(String host, int port) throws java.io.IOException {
        return fabric.bind(host, port, endpoint);
    }

    /**
     * Dials a peer; completes with the session once the handshake succeeded. {@code invite} (the
     * invite as used by this node's key) is presented in Auth by a joiner that is not yet a member,
     * null otherwise.
     */
    public CompletableFuture<PeerSession> connect(InetSocketAddress address, Join invite) {
        return fabric.connect(address, invite, endpoint);
    }

    /** The network as its fabric sees it. */
    private final class Endpoint implements Fabric.Endpoint {
        @Override
        public LocalPeer local() {
            return local;
        }

        /** The operator's peer filter before the membership policy. */
        @Override
        public Admission admit(NodeId peer, Join invite) {
            return peerFilter.test(peer)
                    ? policy.admit(peer, invite)
                    : Admission.refused(peer.shortId() + " is blocked by this node's peer filter");
        }

        @Override
        public void established(PeerSession session) {
            everySession.add(session);
            session.onPromoted(PeerNetwork.this::promoted);
            if (!register(session)) {
                return;
            }
            if (session.isMember()) {
                membersUp.incrementAndGet();
                log.info("peer up: {} ({})", session.peer().shortId(), session.remoteAddress());
                announce(session);
            } else {
                // the services see it only once it is a member: its join session then carries on as one
                log.info("joiner connected: {} ({})", session.peer().shortId(), session.remoteAddress());
            }
        }

        @Override
        public void received(PeerSession from, Envelope message) {
            if (stillAllowed(from)) {
                router.dispatch(from, message);
            }
        }

        @Override
        public void receivedChunk(PeerSession from, ChunkFrame frame) {
            if (stillAllowed(from)) {
                router.dispatchChunk(from, frame);
            } else {
                frame.release();
            }
        }

        @Override
        public void closed(PeerSession session) {
            everySession.remove(session);
            sessions.remove(session.peer(), session);
            if (session.announced) {
                log.info("peer down: {} ({})", session.peer().shortId(), session.downReason());
                listener.sessionDown(session);
            } else if (!session.isMember()) {
                log.info("joiner gone: {} ({})", session.peer().shortId(), session.downReason());
            }
        }
    }

    /** The role was granted at the handshake; a revoke applied since then ends it at the next message. */
    private boolean stillAllowed(PeerSession from) {
        if (from.isMember() && !actsAsMember(from)) {
            log.info("closing {}: no longer a member", from);
            from.close("no longer a member");
            return false;
        }
        return true;
    }

    /**
     * Keeps one session per peer: of two, the one dialled by the smaller node id survives. A session
     * whose peer does not listen (a debugging client such as {@code swiftserve proto call} using a
     * member's key) never displaces the peer's real session; it is served on the side.
     */
    private boolean register(PeerSession session) {
        PeerSession previous = sessions.putIfAbsent(session.peer(), session);
        if (previous == null || previous == session) {
            return true;
        }
        if (session.listenAddress().isEmpty() && previous.isOpen()) {
            return true;
        }
        NodeId initiatorOfNew = session.outbound() ? local.key().id() : session.peer();
        NodeId smaller =
                local.key().id().compareTo(session.peer()) < 0 ? local.key().id() : session.peer();
        if (initiatorOfNew.equals(smaller) || !previous.isOpen()) {
            sessions.put(session.peer(), session);
            previous.disconnect("replaced by a newer connection");
            return true;
        }
        session.disconnect();
        return false;
    }

    private void announce(PeerSession session) {
        session.announced = true;
        listener.sessionUp(session);
    }

    /** A joiner's session was promoted (on whatever thread sealed the join): announced on its own event loop. */
    private void promoted(PeerSession session, String how) {
        session.execute(() -> {
            if (session.announced || !session.isOpen() || sessions.get(session.peer()) != session) {
                return;
            }
            log.info("peer promoted to member: {} ({}, {})", session.peer().shortId(), session.remoteAddress(), how);
            announce(session);
        });
    }

    /**
     * Restricts which peers may hold a session (both directions); sessions of peers it rejects are
     * closed at once. For partition drills and for an operator who must isolate a machine.
     */
    public void setPeerFilter(java.util.function.Predicate<NodeId> filter) {
        peerFilter = filter;
        for (PeerSession s : sessions.values()) {
            if (!filter.test(s.peer())) {
                s.disconnect("blocked by this node's peer filter");
            }
        }
    }

    private volatile java.util.function.Predicate<NodeId> memberCheck = id -> true;

    /**
     * Sets what "still a member" means (the current ledger state) and closes every member session,
     * registered or on the side, whose key it rejects. The check also runs on every message received
     * and every broadcast, so a key that lost its role is refused before its sessions are closed.
     */
    public void setMembershipCheck(java.util.function.Predicate<NodeId> check) {
        memberCheck = check;
        enforceMembership();
    }

    /** Closes every member session whose key is no longer a member; call after the state changed. */
    public void enforceMembership() {
        for (PeerSession s : everySession) {
            if (s.isMember() && !memberCheck.test(s.peer())) {
                log.info("disconnecting {}: no longer a member", s);
                s.close("no longer a member");
            }
        }
    }

    /** True when {@code session} may act as a member now: admitted as one, and still one in the current state. */
    boolean actsAsMember(PeerSession session) {
        return session.isMember() && memberCheck.test(session.peer());
    }

    /** Whether the peer filter lets {@code peer} connect. */
    public boolean allows(NodeId peer) {
        return peerFilter.test(peer);
    }

    /** How many member sessions came up since start: a count that climbs while the overlay settles, then holds. */
    public long membersUp() {
        return membersUp.get();
    }

    /** The registered session of each peer (one per peer). */
    public Collection<PeerSession> sessions() {
        return List.copyOf(sessions.values());
    }

    /** Every established session, including side sessions of peers that advertise no listen address. */
    public Collection<PeerSession> allSessions() {
        return List.copyOf(everySession);
    }

    public Optional<PeerSession> session(NodeId peer) {
        return Optional.ofNullable(sessions.get(peer));
    }

    /** The registered sessions that may act as members now (admitted as one, still one in the current state). */
    public List<PeerSession> memberSessions() {
        // called per HAVE batch: a loop, as C1 leaves a stream's pipeline uninlined
        List<PeerSession> members = new ArrayList<>(sessions.size());
        for (PeerSession s : sessions.values()) {
            if (actsAsMember(s)) {
                members.add(s);
            }
        }
        return members;
    }

    /** Sends to every member session except {@code except} (may be null). */
    public void broadcast(Envelope message, PeerSession except) {
        for (PeerSession s : sessions.values()) {
            if (s != except && actsAsMember(s)) {
                s.send(message);
            }
        }
    }

    /** Replaces what Hello advertises (the real port is known only after binding port 0). */
    public void updateLocal(LocalPeer updated) {
        this.local = updated;
    }

    /** The node's and each peer's bandwidth limits, applied by the fabric. */
    public Bandwidth bandwidth() {
        return fabric.bandwidth();
    }

    public Transport transport() {
        return fabric.transport();
    }

    /** "tls: TLS 1.3 (BoringSSL ...)" or "cleartext", for the start-up log and status. */
    public String describe() {
        return fabric.describe();
    }

    public LocalPeer local() {
        return local;
    }

    public int listenPort() {
        return fabric.listenPort();
    }

    @Override
    public synchronized void close() {
        if (closed) {
            return;
        }
        closed = true;
        sessions.values().forEach(s -> s.disconnect("this node is stopping"));
        fabric.close();
    }
}

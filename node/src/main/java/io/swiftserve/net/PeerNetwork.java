package io.swiftserve.net;

import io.netty.bootstrap.Bootstrap;
import io.netty.bootstrap.ServerBootstrap;
import io.netty.channel.Channel;
import io.netty.channel.ChannelFuture;
import io.netty.channel.ChannelOption;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.ServerChannel;
import io.netty.channel.WriteBufferWaterMark;
import io.netty.channel.epoll.Epoll;
import io.netty.channel.epoll.EpollEventLoopGroup;
import io.netty.channel.epoll.EpollServerSocketChannel;
import io.netty.channel.epoll.EpollSocketChannel;
import io.netty.channel.nio.NioEventLoopGroup;
import io.netty.channel.socket.nio.NioServerSocketChannel;
import io.netty.channel.socket.nio.NioSocketChannel;
import io.swiftserve.identity.NodeId;
import io.swiftserve.proto.Envelope;
import io.swiftserve.proto.Join;
import java.net.InetSocketAddress;
import java.util.Collection;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The node's one Netty server plus its outgoing connections. Every connection runs the staged
 * pipeline {@link PeerPipeline} builds: limits, TLS (see below), frame decoder with a maximum,
 * envelope codec, handshake (which removes itself), then keep-alive, the write-stall guard and the
 * dispatcher. At most one session per peer is kept.
 *
 * <p>Transport: under {@link Transport#TLS} (the default) a dialer starts TLS at once
 * ({@link TlsAnswerCheck} first reads a cleartext node's refusal); a listener looks at the first byte
 * ({@link PortUnification}) and runs TLS, or for a cleartext client answers only Ping. Under
 * {@link Transport#CLEARTEXT} nothing is encrypted and a TLS client is refused with a reason.
 */
public final class PeerNetwork implements AutoCloseable {
    private static final Logger log = LoggerFactory.getLogger(PeerNetwork.class);

    private volatile LocalPeer local;
    private final Transport transport;
    /** Null under cleartext. */
    private final PeerTls tls;

    private final HandshakePolicy policy;
    private final MessageRouter router;
    private final SessionListener listener;
    private final EventLoopGroup boss;
    private final EventLoopGroup workers;
    private final Class<? extends ServerChannel> serverChannel;
    private final Class<? extends Channel> clientChannel;
    private final ConnectionLimiter limiter;
    private final ConcurrentHashMap<NodeId, PeerSession> sessions = new ConcurrentHashMap<>();
    /** Every established session, also those served on the side of a peer's registered one. */
    private final java.util.Set<PeerSession> everySession = ConcurrentHashMap.newKeySet();

    private volatile Channel server;
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
        this.local = local;
        this.transport = transport;
        this.tls = transport == Transport.TLS ? PeerTls.create() : null;
        this.policy = policy;
        this.router = router;
        this.listener = listener;
        this.limiter = new ConnectionLimiter(16, 512);
        if (Epoll.isAvailable()) {
            boss = new EpollEventLoopGroup(1);
            workers = new EpollEventLoopGroup();
            serverChannel = EpollServerSocketChannel.class;
            clientChannel = EpollSocketChannel.class;
        } else {
            boss = new NioEventLoopGroup(1);
            workers = new NioEventLoopGroup();
            serverChannel = NioServerSocketChannel.class;
            clientChannel = NioSocketChannel.class;
        }
    }

    /** Binds the server; returns the bound port (useful with port 0). */
    public int bind(String host, int port) throws java.io.IOException {
        ServerBootstrap b = new ServerBootstrap()
                .group(boss, workers)
                .channel(serverChannel)
                .option(ChannelOption.SO_BACKLOG, 256)
                .option(ChannelOption.SO_REUSEADDR, true)
                .childOption(ChannelOption.TCP_NODELAY, true)
                .childOption(ChannelOption.WRITE_BUFFER_WATER_MARK, new WriteBufferWaterMark(4 << 20, 16 << 20))
                .childHandler(PeerPipeline.listening(limiter, tls, () -> local, filteredPolicy(), sessionHooks()));
        ChannelFuture binding = b.bind(host, port).awaitUninterruptibly();
        if (!binding.isSuccess()) {
            throw new java.io.IOException("cannot listen on " + NetAddresses.join(host, port) + ": "
                    + binding.cause().getMessage());
        }
        server = binding.channel();
        int bound = ((InetSocketAddress) server.localAddress()).getPort();
        log.info(
                "listening on {}:{} ({}, peer transport {})",
                host,
                bound,
                Epoll.isAvailable() ? "epoll" : "nio",
                describe());
        if (tls == null) {
            log.warn(
                    "peer transport is CLEARTEXT (--transport cleartext): anyone on the network path can read every file"
                            + " and alter every message; use it only on an isolated, trusted LAN");
        }
        return bound;
    }

    /**
     * Dials a peer; completes with the session once the handshake succeeded. {@code invite} (the
     * invite as used by this node's key) is presented in Auth by a joiner that is not yet a member,
     * null otherwise.
     */
    public CompletableFuture<PeerSession> connect(InetSocketAddress address, Join invite) {
        CompletableFuture<PeerSession> result = new CompletableFuture<>();
        Bootstrap b = new Bootstrap()
                .group(workers)
                .channel(clientChannel)
                .option(ChannelOption.CONNECT_TIMEOUT_MILLIS, 5_000)
                .option(ChannelOption.TCP_NODELAY, true)
                .option(ChannelOption.WRITE_BUFFER_WATER_MARK, new WriteBufferWaterMark(4 << 20, 16 << 20))
                .handler(PeerPipeline.dialling(tls, () -> local, filteredPolicy(), sessionHooks(), invite, result));
        ChannelFuture f = b.connect(address.getHostString(), address.getPort());
        f.addListener(done -> {
            if (!done.isSuccess()) {
                result.completeExceptionally(done.cause());
            } else {
                f.channel().closeFuture().addListener(c -> {
                    String refusal = f.channel().attr(HandshakeHandler.REFUSAL).get();
                    result.completeExceptionally(
                            refusal != null
                                    ? new HandshakeRefusedException(refusal)
                                    : new java.io.IOException(
                                            "connection to " + address + " closed during the handshake"));
                });
            }
        });
        return result;
    }

    /** The operator's peer filter before the membership policy. */
    private HandshakePolicy filteredPolicy() {
        return (peer, use) -> peerFilter.test(peer)
                ? policy.admit(peer, use)
                : Admission.refused(peer.shortId() + " is blocked by this node's peer filter");
    }

    private PeerPipeline.Sessions sessionHooks() {
        return new PeerPipeline.Sessions() {
            @Override
            public PeerHandler handlerFor(PeerSession session) {
                return new PeerHandler(session, router, sessionListener(), PeerNetwork.this::actsAsMember);
            }

            @Override
            public void established(PeerSession session) {
                everySession.add(session);
                session.onPromoted(PeerNetwork.this::promoted);
                if (!register(session)) {
                    return;
                }
                if (session.isMember()) {
                    log.info("peer up: {} ({})", session.peer().shortId(), session.remoteAddress());
                    announce(session);
                } else {
                    // the services see it only once it is a member: its join session then carries on as one
                    log.info("joiner connected: {} ({})", session.peer().shortId(), session.remoteAddress());
                }
            }
        };
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
        if (session.listenAddress().isEmpty() && previous.channel().isActive()) {
            return true;
        }
        NodeId initiatorOfNew = session.outbound() ? local.key().id() : session.peer();
        NodeId smaller =
                local.key().id().compareTo(session.peer()) < 0 ? local.key().id() : session.peer();
        if (initiatorOfNew.equals(smaller) || !previous.channel().isActive()) {
            sessions.put(session.peer(), session);
            previous.closing("replaced by a newer connection");
            previous.channel().close();
            return true;
        }
        session.channel().close();
        return false;
    }

    private void announce(PeerSession session) {
        session.announced = true;
        listener.sessionUp(session);
    }

    /** A joiner's session was promoted (on whatever thread sealed the join): announced on its own event loop. */
    private void promoted(PeerSession session, String how) {
        session.channel().eventLoop().execute(() -> {
            if (session.announced || !session.channel().isActive() || sessions.get(session.peer()) != session) {
                return;
            }
            log.info("peer promoted to member: {} ({}, {})", session.peer().shortId(), session.remoteAddress(), how);
            announce(session);
        });
    }

    private SessionListener sessionListener() {
        return new SessionListener() {
            @Override
            public void sessionUp(PeerSession session) {}

            @Override
            public void sessionDown(PeerSession session) {
                everySession.remove(session);
                sessions.remove(session.peer(), session);
                if (session.announced) {
                    log.info("peer down: {} ({})", session.peer().shortId(), session.downReason());
                    listener.sessionDown(session);
                } else if (!session.isMember()) {
                    log.info("joiner gone: {} ({})", session.peer().shortId(), session.downReason());
                }
            }
        };
    }

    /**
     * Restricts which peers may hold a session (both directions); sessions of peers it rejects are
     * closed at once. For partition drills and for an operator who must isolate a machine.
     */
    public void setPeerFilter(java.util.function.Predicate<NodeId> filter) {
        peerFilter = filter;
        for (PeerSession s : sessions.values()) {
            if (!filter.test(s.peer())) {
                s.closing("blocked by this node's peer filter");
                s.channel().close();
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
        return sessions.values().stream().filter(this::actsAsMember).toList();
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

    public Transport transport() {
        return transport;
    }

    /** "tls: TLS 1.3 (BoringSSL ...)" or "cleartext", for the start-up log and status. */
    public String describe() {
        return tls == null ? transport.word() : transport.word() + ": " + tls.description();
    }

    public LocalPeer local() {
        return local;
    }

    public int listenPort() {
        return server == null ? -1 : ((InetSocketAddress) server.localAddress()).getPort();
    }

    @Override
    public synchronized void close() {
        if (closed) {
            return;
        }
        closed = true;
        if (server != null) {
            server.close().syncUninterruptibly();
        }
        sessions.values().forEach(s -> {
            s.closing("this node is stopping");
            s.channel().close();
        });
        boss.shutdownGracefully(0, 2, TimeUnit.SECONDS);
        workers.shutdownGracefully(0, 2, TimeUnit.SECONDS).syncUninterruptibly();
    }
}

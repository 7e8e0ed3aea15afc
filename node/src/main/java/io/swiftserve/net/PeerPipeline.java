package io.swiftserve.net;

import io.netty.channel.ChannelHandler;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.ChannelPipeline;
import io.netty.channel.socket.SocketChannel;
import io.netty.handler.timeout.IdleStateHandler;
import io.swiftserve.proto.Join;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

/**
 * Every peer connection's pipeline, both directions, in the order the handlers run:
 * <pre>
 * listener: limits, unify (becomes tls, see {@link PortUnification}) | dialer: [answer, tls] under TLS
 * then:     frames, decoder, encoder, handshake, guard
 * once the handshake is done it removes itself and idle, stall and peer go in before guard, and the
 * bandwidth shapers ({@link TrafficShapers}) go first, nearest the socket.
 * </pre>
 * Handlers look each other up by these names ({@link PortUnification} puts tls and replaces
 * handshake; uploads queue before guard), so they are constants here.
 */
@ChannelHandler.Sharable
final class PeerPipeline extends ChannelInitializer<SocketChannel> {
    static final String LIMITS = "limits";
    static final String UNIFY = "unify";
    static final String ANSWER = "answer";
    static final String TLS = "tls";
    static final String FRAMES = "frames";
    static final String DECODER = "decoder";
    static final String ENCODER = "encoder";
    static final String HANDSHAKE = "handshake";
    static final String IDLE = "idle";
    static final String STALL = "stall";
    static final String PEER = "peer";
    /** The last handler; whatever is added after the handshake goes before it. */
    public static final String GUARD = "guard";

    /** Null when dialling. */
    private final ConnectionLimiter limiter;
    /** Null under cleartext. */
    private final PeerTls tls;

    private final TrafficShapers shapers;
    private final Fabric.Endpoint endpoint;
    private final boolean outbound;
    private final Join invite;
    /** The dialer's wait for the session; null on the listener. */
    private final CompletableFuture<PeerSession> dialled;

    private PeerPipeline(
            ConnectionLimiter limiter,
            PeerTls tls,
            TrafficShapers shapers,
            Fabric.Endpoint endpoint,
            boolean outbound,
            Join invite,
            CompletableFuture<PeerSession> dialled) {
        this.limiter = limiter;
        this.tls = tls;
        this.shapers = shapers;
        this.endpoint = endpoint;
        this.outbound = outbound;
        this.invite = invite;
        this.dialled = dialled;
    }

    static PeerPipeline listening(
            ConnectionLimiter limiter, PeerTls tls, TrafficShapers shapers, Fabric.Endpoint endpoint) {
        return new PeerPipeline(limiter, tls, shapers, endpoint, false, null, null);
    }

    /** {@code invite}: presented in Auth by a joiner, else null; {@code dialled} completes with the session. */
    static PeerPipeline dialling(
            PeerTls tls,
            TrafficShapers shapers,
            Fabric.Endpoint endpoint,
            Join invite,
            CompletableFuture<PeerSession> dialled) {
        return new PeerPipeline(null, tls, shapers, endpoint, true, invite, dialled);
    }

    @Override
    protected void initChannel(SocketChannel ch) {
        ChannelPipeline p = ch.pipeline();
        if (!outbound) {
            p.addLast(LIMITS, limiter);
            p.addLast(UNIFY, new PortUnification(tls));
        } else if (tls != null) {
            p.addLast(ANSWER, new TlsAnswerCheck());
            p.addLast(TLS, tls.clientHandler(ch.alloc()));
        }
        p.addLast(FRAMES, new FrameDecoder(tls != null));
        p.addLast(DECODER, EnvelopeDecoder.INSTANCE);
        p.addLast(ENCODER, EnvelopeEncoder.INSTANCE);
        p.addLast(
                HANDSHAKE,
                new HandshakeHandler(endpoint.local(), tls, endpoint::admit, outbound, invite, this::established));
        p.addLast(GUARD, ConnectionGuard.INSTANCE);
    }

    private void established(PeerSession session) {
        io.netty.channel.Channel ch = ((NettyLink) session.link()).channel();
        ChannelPipeline p = ch.pipeline();
        p.addBefore(GUARD, IDLE, new IdleStateHandler(60, 15, 0, TimeUnit.SECONDS));
        p.addBefore(GUARD, STALL, new WriteStallGuard());
        p.addBefore(GUARD, PEER, new PeerHandler(session, endpoint));
        shapers.install(ch);
        endpoint.established(session);
        if (dialled != null) {
            dialled.complete(session);
        }
    }
}

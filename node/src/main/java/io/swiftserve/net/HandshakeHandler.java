package io.swiftserve.net;

import com.google.protobuf.ByteString;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.SimpleChannelInboundHandler;
import io.netty.handler.ssl.SslHandler;
import io.netty.util.concurrent.ScheduledFuture;
import io.swiftserve.identity.NodeId;
import io.swiftserve.identity.Signatures;
import io.swiftserve.proto.Auth;
import io.swiftserve.proto.Envelope;
import io.swiftserve.proto.Hello;
import io.swiftserve.proto.Join;
import io.swiftserve.proto.Pong;
import io.swiftserve.util.LogText;
import java.security.SecureRandom;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;
import javax.net.ssl.SSLPeerUnverifiedException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The handshake: dialer Hello, listener Hello, dialer Auth, listener Auth. Each Hello carries a
 * fresh nonce and each Auth signs the other side's nonce bound to the network id and both keys; the
 * listener sends its Auth only once it admitted the dialer, so a refused dialer learns it from an
 * ErrorReply before it ever considers the connection established. Until it completes only Hello, Auth and
 * Ping are accepted, and it must complete within a deadline. On success the handler hands the
 * session to {@code onEstablished}, which rebuilds the rest of the pipeline.
 *
 * <p>Under TLS the dialer sends its Hello once TLS is up, and both Auth signatures also cover the
 * connection's {@link ChannelBinding} (the hashes of both TLS certificates as this end saw them):
 * whoever relays the connection by terminating TLS itself cannot pass the Auth check.
 */
final class HandshakeHandler extends SimpleChannelInboundHandler<Envelope> {
    private static final Logger log = LoggerFactory.getLogger(HandshakeHandler.class);
    private static final SecureRandom RANDOM = new SecureRandom();
    /** Why the other side refused us, when it said so. */
    static final io.netty.util.AttributeKey<String> REFUSAL = io.netty.util.AttributeKey.valueOf("swiftserve.refusal");

    private final LocalPeer local;
    /** Null for a cleartext connection. */
    private final PeerTls tls;

    private final HandshakePolicy policy;
    private final boolean outbound;
    private final Join invite;
    private final Consumer<PeerSession> onEstablished;
    private final byte[] nonce = new byte[32];
    private ChannelBinding binding;
    private Hello peerHello;
    private boolean authSent;
    private ScheduledFuture<?> deadline;

    HandshakeHandler(
            LocalPeer local,
            PeerTls tls,
            HandshakePolicy policy,
            boolean outbound,
            Join invite,
            Consumer<PeerSession> onEstablished) {
        this.local = local;
        this.tls = tls;
        this.policy = policy;
        this.outbound = outbound;
        this.invite = invite;
        this.onEstablished = onEstablished;
        RANDOM.nextBytes(nonce);
    }

    @Override
    public void channelActive(ChannelHandlerContext ctx) {
        deadline = ctx.executor()
                .schedule(
                        () -> {
                            log.info(
                                    "closing {}: handshake not completed within {} ms",
                                    ctx.channel().remoteAddress(),
                                    Wire.HANDSHAKE_TIMEOUT_MS);
                            ctx.close();
                        },
                        Wire.HANDSHAKE_TIMEOUT_MS,
                        TimeUnit.MILLISECONDS);
        if (outbound && tls == null) {
            sendHello(ctx);
        } else if (outbound) {
            ctx.pipeline().get(SslHandler.class).handshakeFuture().addListener(f -> {
                if (f.isSuccess() && bind(ctx)) {
                    sendHello(ctx);
                }
            });
        }
        ctx.fireChannelActive();
    }

    @Override
    public void handlerRemoved(ChannelHandlerContext ctx) {
        cancelDeadline();
    }

    /** Learns the channel binding; false (connection refused) when TLS is required but not up. */
    private boolean bind(ChannelHandlerContext ctx) {
        if (binding != null) {
            return true;
        }
        if (tls == null) {
            binding = ChannelBinding.NONE;
            return true;
        }
        SslHandler ssl = ctx.pipeline().get(SslHandler.class);
        if (ssl == null || !ssl.handshakeFuture().isSuccess()) {
            refuse(ctx, ErrorCode.TRANSPORT_MISMATCH, "handshake message before TLS was established");
            return false;
        }
        try {
            binding = ChannelBinding.of(ssl.engine().getSession(), tls.certificateHash(), outbound);
            return true;
        } catch (SSLPeerUnverifiedException e) {
            refuse(ctx, ErrorCode.AUTH_FAILED, "no TLS certificate: " + e.getMessage());
            return false;
        }
    }

    @Override
    public void channelInactive(ChannelHandlerContext ctx) {
        cancelDeadline();
        ctx.fireChannelInactive();
    }

    @Override
    public void channelRead(ChannelHandlerContext ctx, Object msg) throws Exception {
        if (msg instanceof ChunkFrame frame) {
            frame.release();
            refuse(ctx, ErrorCode.NOT_ALLOWED, "chunk data before the handshake");
            return;
        }
        super.channelRead(ctx, msg);
    }

    @Override
    protected void channelRead0(ChannelHandlerContext ctx, Envelope msg) {
        switch (msg.getBodyCase()) {
            case PING ->
                ctx.writeAndFlush(Envelope.newBuilder()
                        .setPong(Pong.newBuilder().setNonce(msg.getPing().getNonce()))
                        .build());
            case HELLO -> onHello(ctx, msg.getHello());
            case AUTH -> onAuth(ctx, msg.getAuth());
            case ERROR -> {
                log.info(
                        "peer {} refused the handshake: {}",
                        ctx.channel().remoteAddress(),
                        LogText.escape(msg.getError().getMessage()));
                ctx.channel().attr(REFUSAL).set(msg.getError().getMessage());
                ctx.close();
            }
            // an unknown type too: a peer that has not proved its key gets no leeway for newer versions
            default ->
                refuse(
                        ctx,
                        ErrorCode.NOT_ALLOWED,
                        (msg.getBodyCase() == Envelope.BodyCase.BODY_NOT_SET
                                        ? "a message of unknown type"
                                        : msg.getBodyCase().toString())
                                + " before the handshake");
        }
    }

    private void onHello(ChannelHandlerContext ctx, Hello hello) {
        if (!bind(ctx)) {
            return;
        }
        if (peerHello != null) {
            refuse(ctx, ErrorCode.MALFORMED, "second Hello");
            return;
        }
        if (hello.getMagic() != Wire.MAGIC) {
            refuse(ctx, ErrorCode.BAD_MAGIC, "bad magic " + Integer.toHexString(hello.getMagic()));
            return;
        }
        if (hello.getProtocolVersion() != Wire.PROTOCOL_VERSION) {
            refuse(ctx, ErrorCode.BAD_VERSION, "protocol version " + hello.getProtocolVersion() + " unsupported");
            return;
        }
        if (!hello.getNetworkId().equals(ByteString.copyFrom(local.networkId().bytes()))) {
            refuse(ctx, ErrorCode.WRONG_NETWORK, "peer is on another network");
            return;
        }
        if (hello.getNodeKey().size() != NodeId.LENGTH || hello.getNonce().size() != 32) {
            refuse(ctx, ErrorCode.MALFORMED, "malformed Hello");
            return;
        }
        if (hello.getNodeKey().equals(ByteString.copyFrom(local.key().id().bytes()))) {
            refuse(ctx, ErrorCode.NOT_ALLOWED, "connected to itself");
            return;
        }
        peerHello = hello;
        if (outbound) {
            sendAuth(ctx);
        } else {
            sendHello(ctx);
        }
    }

    /** The listener answers with its own Auth only after admitting the dialer: its Auth means "accepted". */
    private void sendAuth(ChannelHandlerContext ctx) {
        Auth.Builder auth = Auth.newBuilder()
                .setSignature(ByteString.copyFrom(local.key()
                        .sign(
                                Signatures.Domain.AUTH,
                                authMessage(
                                        peerHello.getNonce().toByteArray(),
                                        local.key().id(),
                                        NodeId.of(peerHello.getNodeKey().toByteArray())))));
        if (invite != null) {
            auth.setInvite(invite);
        }
        ctx.writeAndFlush(Envelope.newBuilder().setAuth(auth).build());
        authSent = true;
    }

    private void onAuth(ChannelHandlerContext ctx, Auth auth) {
        if (peerHello == null || (outbound && !authSent)) {
            refuse(ctx, ErrorCode.MALFORMED, "Auth before Hello");
            return;
        }
        NodeId peer = NodeId.of(peerHello.getNodeKey().toByteArray());
        byte[] expected = authMessage(nonce, peer, local.key().id());
        if (!Signatures.verify(
                peer, Signatures.Domain.AUTH, expected, auth.getSignature().toByteArray())) {
            refuse(ctx, ErrorCode.AUTH_FAILED, "key proof of " + peer.shortId() + " failed");
            return;
        }
        if (!auth.getInviteToken().isEmpty()) {
            // an old joiner sending its whole token in clear: refused, and its secret not looked at
            refuse(
                    ctx,
                    ErrorCode.NOT_A_MEMBER,
                    "invite refused: invite tokens are no longer sent (ssinv1); ask a member for a new one");
            return;
        }
        Admission admission = policy.admit(peer, auth.hasInvite() ? auth.getInvite() : null);
        if (admission.role() == Admission.Role.REFUSED) {
            refuse(ctx, ErrorCode.NOT_A_MEMBER, admission.reason());
            return;
        }
        if (!outbound) {
            sendAuth(ctx);
        }
        cancelDeadline();
        String listen = peerHello.getListenPort() == 0
                ? ""
                : NetAddresses.join(peerHello.getListenHost(), peerHello.getListenPort());
        PeerSession session = new PeerSession(new NettyLink(ctx.channel()), peer, outbound, listen, admission.role());
        NettyLink.attach(ctx.channel(), session);
        FrameDecoder frames = ctx.pipeline().get(FrameDecoder.class);
        if (frames != null) {
            frames.established();
        }
        ctx.pipeline().remove(this);
        onEstablished.accept(session);
    }

    private void sendHello(ChannelHandlerContext ctx) {
        ctx.writeAndFlush(Envelope.newBuilder()
                .setHello(Hello.newBuilder()
                        .setMagic(Wire.MAGIC)
                        .setProtocolVersion(Wire.PROTOCOL_VERSION)
                        .setNetworkId(ByteString.copyFrom(local.networkId().bytes()))
                        .setNodeKey(ByteString.copyFrom(local.key().id().bytes()))
                        .setNonce(ByteString.copyFrom(nonce))
                        .setListenHost(local.listenHost() == null ? "" : local.listenHost())
                        .setListenPort(Math.max(local.listenPort(), 0))
                        .setAgent(Wire.AGENT))
                .build());
    }

    private byte[] authMessage(byte[] nonceToSign, NodeId signer, NodeId verifier) {
        return AuthMessage.of(local.networkId(), nonceToSign, signer, verifier, binding);
    }

    private void refuse(ChannelHandlerContext ctx, ErrorCode code, String reason) {
        log.info("handshake with {} refused: {}", ctx.channel().remoteAddress(), LogText.escape(reason));
        cancelDeadline();
        ctx.writeAndFlush(Envelopes.error(code, reason)).addListener(f -> ctx.close());
    }

    private void cancelDeadline() {
        if (deadline != null) {
            deadline.cancel(false);
        }
    }
}

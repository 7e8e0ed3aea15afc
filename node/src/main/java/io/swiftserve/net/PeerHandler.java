package io.swiftserve.net;

import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.handler.timeout.IdleState;
import io.netty.handler.timeout.IdleStateEvent;
import io.netty.util.ReferenceCountUtil;
import io.swiftserve.proto.Envelope;
import io.swiftserve.proto.Ping;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** The established session's inbound end: keep-alive, then hand every message to the router. */
final class PeerHandler extends ChannelInboundHandlerAdapter {
    private static final Logger log = LoggerFactory.getLogger(PeerHandler.class);

    private final PeerSession session;
    private final MessageRouter router;
    private final SessionListener listener;
    private final java.util.function.Predicate<PeerSession> actsAsMember;

    PeerHandler(
            PeerSession session,
            MessageRouter router,
            SessionListener listener,
            java.util.function.Predicate<PeerSession> actsAsMember) {
        this.session = session;
        this.router = router;
        this.listener = listener;
        this.actsAsMember = actsAsMember;
    }

    @Override
    public void channelRead(ChannelHandlerContext ctx, Object msg) {
        // the role was granted at the handshake; a revoke applied since then ends it at the next message
        if (session.isMember() && !actsAsMember.test(session)) {
            ReferenceCountUtil.release(msg);
            log.info("closing {}: no longer a member", session);
            session.close("no longer a member");
            return;
        }
        if (msg instanceof ChunkFrame frame) {
            router.dispatchChunk(session, frame);
        } else if (msg instanceof Envelope envelope) {
            router.dispatch(session, envelope);
        } else {
            ReferenceCountUtil.release(msg);
        }
    }

    @Override
    public void userEventTriggered(ChannelHandlerContext ctx, Object evt) {
        if (evt instanceof IdleStateEvent idle) {
            if (idle.state() == IdleState.READER_IDLE) {
                log.info("closing {}: silent for too long", session);
                session.closing("silent for too long");
                ctx.close();
            } else if (idle.state() == IdleState.WRITER_IDLE) {
                ctx.writeAndFlush(Envelope.newBuilder()
                        .setPing(Ping.newBuilder().setNonce(System.nanoTime()))
                        .build());
            }
        }
        ctx.fireUserEventTriggered(evt);
    }

    @Override
    public void channelInactive(ChannelHandlerContext ctx) {
        listener.sessionDown(session);
        ctx.fireChannelInactive();
    }
}

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

/** The established session's inbound end on a Netty channel: keep-alive, then hand every message to the network. */
final class PeerHandler extends ChannelInboundHandlerAdapter {
    private static final Logger log = LoggerFactory.getLogger(PeerHandler.class);

    private final PeerSession session;
    private final Fabric.Endpoint endpoint;

    PeerHandler(PeerSession session, Fabric.Endpoint endpoint) {
        this.session = session;
        this.endpoint = endpoint;
    }

    @Override
    public void channelRead(ChannelHandlerContext ctx, Object msg) {
        if (msg instanceof ChunkFrame frame) {
            endpoint.receivedChunk(session, frame);
        } else if (msg instanceof Envelope envelope) {
            endpoint.received(session, envelope);
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
        endpoint.closed(session);
        ctx.fireChannelInactive();
    }
}

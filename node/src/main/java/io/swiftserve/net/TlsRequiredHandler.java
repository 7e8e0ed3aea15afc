package io.swiftserve.net;

import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.SimpleChannelInboundHandler;
import io.netty.util.concurrent.ScheduledFuture;
import io.swiftserve.proto.Envelope;
import io.swiftserve.proto.Pong;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A cleartext connection to a node that requires TLS: netcat-style debugging still gets a Pong for
 * every Ping, but a Hello (a cleartext node, or a tool that does not speak TLS) gets an ErrorReply
 * saying TLS is required, and anything else the same; then the connection closes. Bounded by the
 * handshake deadline like any unauthenticated connection.
 */
final class TlsRequiredHandler extends SimpleChannelInboundHandler<Object> {
    private static final Logger log = LoggerFactory.getLogger(TlsRequiredHandler.class);
    static final String REASON =
            "this node requires TLS (--transport tls): use 'swiftserve proto call', which speaks it,"
                    + " or run both nodes with the same --transport";

    private ScheduledFuture<?> deadline;

    @Override
    public void handlerAdded(ChannelHandlerContext ctx) {
        deadline = ctx.executor()
                .schedule(
                        () -> {
                            log.info(
                                    "closing cleartext connection from {}: nothing but Ping within {} ms",
                                    ctx.channel().remoteAddress(),
                                    Wire.HANDSHAKE_TIMEOUT_MS);
                            ctx.close();
                        },
                        Wire.HANDSHAKE_TIMEOUT_MS,
                        TimeUnit.MILLISECONDS);
    }

    @Override
    public void handlerRemoved(ChannelHandlerContext ctx) {
        deadline.cancel(false);
    }

    @Override
    protected void channelRead0(ChannelHandlerContext ctx, Object msg) {
        if (msg instanceof Envelope e && e.getBodyCase() == Envelope.BodyCase.PING) {
            ctx.writeAndFlush(Envelope.newBuilder()
                    .setPong(Pong.newBuilder().setNonce(e.getPing().getNonce()))
                    .build());
            return;
        }
        String what = msg instanceof Envelope e ? e.getBodyCase().name() : "chunk data";
        log.info(
                "refusing cleartext {} from {}: this node requires TLS",
                what,
                ctx.channel().remoteAddress());
        deadline.cancel(false);
        ctx.writeAndFlush(Envelopes.error(ErrorCode.TRANSPORT_MISMATCH, REASON)).addListener(f -> ctx.close());
    }
}

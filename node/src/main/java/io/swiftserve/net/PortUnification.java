package io.swiftserve.net;

import io.netty.buffer.ByteBuf;
import io.netty.channel.ChannelHandlerContext;
import io.netty.handler.codec.ByteToMessageDecoder;
import java.util.List;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The listener's first look at a connection (Netty's port unification): one byte decides. 0x16 is a
 * TLS handshake record; a cleartext frame never starts with it, since that would announce a frame
 * of over 360 MB, far above {@link Wire#MAX_FRAME}.
 * <ul>
 * <li>TLS node, TLS client: the TLS server handler takes this handler's place.</li>
 * <li>TLS node, cleartext client (netcat, an old or cleartext node): the handshake handler is replaced by
 * {@link TlsRequiredHandler}, which answers Ping and refuses everything else with a reason.</li>
 * <li>cleartext node, TLS client: one ErrorReply in cleartext (the client reads it, see
 * {@link TlsAnswerCheck}), then close.</li>
 * <li>cleartext node, cleartext client: the pipeline stays as it is.</li>
 * </ul>
 */
final class PortUnification extends ByteToMessageDecoder {
    private static final Logger log = LoggerFactory.getLogger(PortUnification.class);
    static final short TLS_HANDSHAKE_RECORD = 0x16;

    private final PeerTls tls;
    /** A TLS client of this cleartext node was answered: the rest of its bytes are dropped until the close. */
    private boolean refused;

    /** {@code tls} null: this node runs cleartext. */
    PortUnification(PeerTls tls) {
        this.tls = tls;
    }

    @Override
    protected void decode(ChannelHandlerContext ctx, ByteBuf in, List<Object> out) {
        if (refused || !in.isReadable()) {
            in.skipBytes(in.readableBytes());
            return;
        }
        boolean clientHello = in.getUnsignedByte(in.readerIndex()) == TLS_HANDSHAKE_RECORD;
        if (tls != null && clientHello) {
            ctx.pipeline().replace(this, PeerPipeline.TLS, tls.serverHandler(ctx.alloc()));
        } else if (tls != null) {
            ctx.pipeline().replace(PeerPipeline.HANDSHAKE, PeerPipeline.HANDSHAKE, new TlsRequiredHandler());
            ctx.pipeline().remove(this);
        } else if (clientHello) {
            in.skipBytes(in.readableBytes());
            String reason =
                    "this node runs --transport cleartext and refuses TLS; run both nodes with the same --transport";
            log.info(
                    "refusing {}: it speaks TLS and this node runs --transport cleartext",
                    ctx.channel().remoteAddress());
            // from the tail, so the envelope encoder (after this handler) frames it
            refused = true;
            ctx.channel()
                    .writeAndFlush(Envelopes.error(ErrorCode.TRANSPORT_MISMATCH, reason))
                    .addListener(f -> ctx.close());
        } else {
            ctx.pipeline().remove(this);
        }
    }
}

package io.swiftserve.net;

import com.google.protobuf.InvalidProtocolBufferException;
import io.netty.buffer.ByteBuf;
import io.netty.channel.ChannelHandlerContext;
import io.netty.handler.codec.ByteToMessageDecoder;
import io.swiftserve.proto.Envelope;
import io.swiftserve.util.LogText;
import java.util.List;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The dialer's first look at what a listener sends back to its TLS ClientHello. A TLS record
 * (content type 20 to 23) lets the connection through to TLS. Anything else is a cleartext node: its
 * one frame (an ErrorReply, see {@link PortUnification}) is read for the reason, which is logged and
 * kept as the connection's refusal; nothing of it reaches the handshake, and the connection closes.
 */
final class TlsAnswerCheck extends ByteToMessageDecoder {
    private static final Logger log = LoggerFactory.getLogger(TlsAnswerCheck.class);
    private boolean cleartext;

    @Override
    protected void decode(ChannelHandlerContext ctx, ByteBuf in, List<Object> out) {
        if (!cleartext) {
            short type = in.getUnsignedByte(in.readerIndex());
            if (type >= 20 && type <= 23) {
                ctx.pipeline().remove(this);
                return;
            }
            cleartext = true;
        }
        if (in.readableBytes() < 4) {
            return;
        }
        long length = in.getUnsignedInt(in.readerIndex());
        if (length > FrameDecoder.HANDSHAKE_MAX_FRAME) {
            refused(
                    ctx,
                    "it answered in cleartext, not TLS (it may run --transport cleartext, or not be a swiftserve node)");
            return;
        }
        if (in.readableBytes() < 4 + length) {
            return;
        }
        String reason;
        try {
            Envelope e = Envelope.parseFrom(in.nioBuffer(in.readerIndex() + 4, (int) length));
            reason = e.getBodyCase() == Envelope.BodyCase.ERROR
                    ? LogText.escape(e.getError().getMessage())
                    : "it answered in cleartext (" + e.getBodyCase() + "), not TLS";
        } catch (InvalidProtocolBufferException e) {
            reason = "it answered in cleartext, not TLS";
        }
        refused(ctx, reason);
    }

    private void refused(ChannelHandlerContext ctx, String reason) {
        ByteBuf in = internalBuffer();
        in.skipBytes(in.readableBytes());
        log.info("peer {} refused the handshake: {}", ctx.channel().remoteAddress(), reason);
        ctx.channel().attr(HandshakeHandler.REFUSAL).set(reason);
        ctx.close();
    }

    @Override
    protected void decodeLast(ChannelHandlerContext ctx, ByteBuf in, List<Object> out) {
        // a partial answer at close: the close itself is reported by whoever waits for the handshake
        in.skipBytes(in.readableBytes());
    }
}

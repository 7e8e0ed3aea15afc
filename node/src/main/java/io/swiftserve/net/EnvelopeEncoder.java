package io.swiftserve.net;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufOutputStream;
import io.netty.channel.ChannelHandler;
import io.netty.channel.ChannelHandlerContext;
import io.netty.handler.codec.MessageToByteEncoder;
import io.swiftserve.proto.Envelope;

/**
 * Writes an {@link Envelope} as one frame: 4-byte big-endian length, then the message. Raw buffers
 * and file regions (chunk payloads) pass through untouched.
 */
@ChannelHandler.Sharable
public final class EnvelopeEncoder extends MessageToByteEncoder<Envelope> {
    public static final EnvelopeEncoder INSTANCE = new EnvelopeEncoder();

    @Override
    protected void encode(ChannelHandlerContext ctx, Envelope msg, ByteBuf out) {
        int size = msg.getSerializedSize();
        out.ensureWritable(4 + size);
        out.writeInt(size);
        try {
            msg.writeTo(new ByteBufOutputStream(out));
        } catch (java.io.IOException e) {
            throw new IllegalStateException("writing to a buffer cannot fail", e);
        }
    }
}

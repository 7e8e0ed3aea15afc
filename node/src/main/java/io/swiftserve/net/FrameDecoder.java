package io.swiftserve.net;

import io.netty.buffer.ByteBuf;
import io.netty.channel.ChannelHandlerContext;
import io.netty.handler.codec.LengthFieldBasedFrameDecoder;
import io.netty.handler.codec.TooLongFrameException;
import java.nio.ByteOrder;

/**
 * The 4-byte length framing, with a small limit until the handshake is done: an unauthenticated
 * client cannot make the node buffer a 16 MiB frame. After the handshake, the socket's receive low-water
 * mark follows the frame being received ({@link ReceiveLowWater}).
 */
final class FrameDecoder extends LengthFieldBasedFrameDecoder {
    static final int HANDSHAKE_MAX_FRAME = 64 << 10;

    private volatile int limit = HANDSHAKE_MAX_FRAME;
    private final ReceiveLowWater lowWater = new ReceiveLowWater();

    FrameDecoder() {
        super(Wire.MAX_FRAME, 0, 4, 0, 4);
    }

    /** The peer is authenticated: frames up to {@link Wire#MAX_FRAME} from now on. */
    void established() {
        limit = Wire.MAX_FRAME;
    }

    @Override
    public void channelReadComplete(ChannelHandlerContext ctx) throws Exception {
        super.channelReadComplete(ctx);
        if (limit == Wire.MAX_FRAME && ctx.channel().isActive()) {
            lowWater.await(ctx.channel(), missingBytes());
        }
    }

    /** Bytes still to come before the buffered partial frame can be decoded (1 to 4 while its length is incomplete). */
    private long missingBytes() {
        ByteBuf buffered = internalBuffer();
        int have = buffered.readableBytes();
        if (have < 4) {
            return 4 - have;
        }
        return 4 + buffered.getUnsignedInt(buffered.readerIndex()) - have;
    }

    @Override
    protected long getUnadjustedFrameLength(ByteBuf buf, int offset, int length, ByteOrder order) {
        long frameLength = super.getUnadjustedFrameLength(buf, offset, length, order);
        if (frameLength > limit) {
            throw new TooLongFrameException("frame of " + frameLength + " bytes exceeds " + limit
                    + (limit == HANDSHAKE_MAX_FRAME ? " before the handshake" : ""));
        }
        return frameLength;
    }
}

package io.swiftserve.net;

import io.netty.buffer.ByteBuf;
import io.netty.handler.codec.LengthFieldBasedFrameDecoder;
import io.netty.handler.codec.TooLongFrameException;
import java.nio.ByteOrder;

/**
 * The 4-byte length framing, with a small limit until the handshake is done: an unauthenticated
 * client cannot make the node buffer a 16 MiB frame.
 */
final class FrameDecoder extends LengthFieldBasedFrameDecoder {
    static final int HANDSHAKE_MAX_FRAME = 64 << 10;

    private volatile int limit = HANDSHAKE_MAX_FRAME;

    FrameDecoder() {
        super(Wire.MAX_FRAME, 0, 4, 0, 4);
    }

    /** The peer is authenticated: frames up to {@link Wire#MAX_FRAME} from now on. */
    void established() {
        limit = Wire.MAX_FRAME;
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

package io.swiftserve.net;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufAllocator;
import io.netty.channel.ChannelHandlerContext;
import io.netty.handler.codec.LengthFieldBasedFrameDecoder;
import io.netty.handler.codec.TooLongFrameException;
import java.nio.ByteOrder;

/**
 * The 4-byte length framing, with a small limit until the handshake is done: an unauthenticated
 * client cannot make the node buffer a 16 MiB frame. After the handshake the socket's receive
 * low-water mark follows the frame being received ({@link ReceiveLowWater}). Under TLS the socket
 * carries records, and up to one record's ciphertext may sit in the TLS handler, not yet decrypted:
 * the mark stays that far below the frame's missing bytes. It never waits for bytes that are not
 * coming, since the ciphertext still to arrive for a frame is never less than its missing plaintext.
 *
 * <p>Bytes of a partial frame are gathered in a buffer sized for the whole frame as soon as its length
 * is known ({@link #cumulate}); Netty's own cumulator doubles the buffer instead, copying the frame
 * so far at every step (a 256 KiB chunk arriving in 64 KiB reads was copied 1.4 times, in two
 * reallocations, instead of once).
 */
final class FrameDecoder extends LengthFieldBasedFrameDecoder {
    static final int HANDSHAKE_MAX_FRAME = 64 << 10;

    private volatile int limit = HANDSHAKE_MAX_FRAME;
    /** A frame over the limit was refused: whatever else arrives is dropped. */
    private boolean refused;
    /** The largest TLS 1.3 record on the wire: header, 16 KiB of content, and the most expansion allowed. */
    static final int TLS_RECORD_MAX = 5 + (1 << 14) + 256;

    private final ReceiveLowWater lowWater = new ReceiveLowWater();
    /** Bytes of the frame that may already have arrived without reaching this decoder: a record under TLS. */
    private final int undecoded;

    FrameDecoder() {
        this(false);
    }

    FrameDecoder(boolean underTls) {
        super(Wire.MAX_FRAME, 0, 4, 0, 4);
        setCumulator(this::cumulate);
        this.undecoded = underTls ? TLS_RECORD_MAX : 0;
    }

    /** The peer is authenticated: frames up to {@link Wire#MAX_FRAME} from now on. */
    void established() {
        limit = Wire.MAX_FRAME;
    }

    @Override
    public void channelReadComplete(ChannelHandlerContext ctx) throws Exception {
        super.channelReadComplete(ctx);
        if (limit == Wire.MAX_FRAME && ctx.channel().isActive()) {
            lowWater.await(ctx.channel(), missingBytes() - undecoded);
        }
    }

    /** Bytes still to come before the buffered partial frame can be decoded (1 to 4 while its length is incomplete). */
    private long missingBytes() {
        ByteBuf buffered = internalBuffer();
        int have = buffered.readableBytes();
        if (have < 4) {
            return 4L - have;
        }
        return 4 + buffered.getUnsignedInt(buffered.readerIndex()) - have;
    }

    /** Netty's merge cumulator, except that a buffer too small for what arrived grows to the whole frame at once. */
    @SuppressWarnings("ReferenceEquality") // the same buffer object handed back, as in Netty's own cumulators
    private ByteBuf cumulate(ByteBufAllocator alloc, ByteBuf cumulation, ByteBuf in) {
        if (cumulation == in) {
            in.release();
            return cumulation;
        }
        if (!cumulation.isReadable() && in.isContiguous()) {
            cumulation.release();
            return in;
        }
        try {
            int have = cumulation.readableBytes();
            int arrived = in.readableBytes();
            if (arrived <= cumulation.writableBytes() && !cumulation.isReadOnly()) {
                // within capacity: nothing moves under a slice of an earlier frame still being hashed
                cumulation.writeBytes(in, in.readerIndex(), arrived);
                in.readerIndex(in.writerIndex());
                return cumulation;
            }
            // never grown in place: a slice of an earlier frame may still point into its memory
            ByteBuf grown = alloc.buffer(Math.max(have + arrived, frameBytes(cumulation)));
            grown.writeBytes(cumulation, cumulation.readerIndex(), have).writeBytes(in, in.readerIndex(), arrived);
            in.readerIndex(in.writerIndex());
            cumulation.release();
            return grown;
        } finally {
            in.release();
        }
    }

    /** The size of the frame that starts the buffer, header included; 0 while unknown or over the limit (decode rejects it). */
    private int frameBytes(ByteBuf buffered) {
        if (buffered.readableBytes() < 4) {
            return 0;
        }
        long length = buffered.getUnsignedInt(buffered.readerIndex());
        return length > limit ? 0 : (int) length + 4;
    }

    @Override
    protected Object decode(ChannelHandlerContext ctx, ByteBuf in) throws Exception {
        if (refused) {
            // the connection is being closed for it: the decode on close must not report it a second time
            in.skipBytes(in.readableBytes());
            return null;
        }
        return super.decode(ctx, in);
    }

    @Override
    protected long getUnadjustedFrameLength(ByteBuf buf, int offset, int length, ByteOrder order) {
        long frameLength = super.getUnadjustedFrameLength(buf, offset, length, order);
        if (frameLength > limit) {
            refused = true;
            throw new TooLongFrameException("frame of " + frameLength + " bytes exceeds " + limit
                    + (limit == HANDSHAKE_MAX_FRAME ? " before the handshake" : ""));
        }
        return frameLength;
    }
}

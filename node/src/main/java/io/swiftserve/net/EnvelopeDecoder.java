package io.swiftserve.net;

import com.google.protobuf.CodedInputStream;
import io.netty.buffer.ByteBuf;
import io.netty.channel.ChannelHandler;
import io.netty.channel.ChannelHandlerContext;
import io.netty.handler.codec.CorruptedFrameException;
import io.netty.handler.codec.MessageToMessageDecoder;
import io.swiftserve.proto.Envelope;
import java.util.List;

/**
 * One length-delimited frame (from {@code LengthFieldBasedFrameDecoder}) to one {@link Envelope}.
 * Only chunk data may exceed the control-frame limit. A malformed frame raises
 * {@link CorruptedFrameException}, which {@link ConnectionGuard} logs before closing.
 */
@ChannelHandler.Sharable
public final class EnvelopeDecoder extends MessageToMessageDecoder<ByteBuf> {
    public static final EnvelopeDecoder INSTANCE = new EnvelopeDecoder();

    @Override
    protected void decode(ChannelHandlerContext ctx, ByteBuf frame, List<Object> out) throws Exception {
        int length = frame.readableBytes();
        Envelope envelope;
        try {
            CodedInputStream in = CodedInputStream.newInstance(frame.nioBuffer());
            // chunk payloads stay views of the frame buffer instead of being copied into a ByteString
            in.enableAliasing(true);
            envelope = Envelope.parseFrom(in);
        } catch (Exception e) {
            throw new CorruptedFrameException("frame of " + length + " bytes is not an Envelope");
        }
        if (envelope.getBodyCase() == Envelope.BodyCase.BODY_NOT_SET) {
            throw new CorruptedFrameException("frame of " + length + " bytes carries no known message");
        }
        if (length > Wire.MAX_CONTROL_FRAME && envelope.getBodyCase() != Envelope.BodyCase.CHUNK_DATA) {
            throw new CorruptedFrameException(envelope.getBodyCase() + " frame of " + length + " bytes exceeds the control limit");
        }
        if (envelope.getBodyCase() == Envelope.BodyCase.CHUNK_DATA) {
            // the aliased payload points into this frame: keep the frame alive until the handler is done
            out.add(new ChunkFrame(envelope.getChunkData(), frame.retain()));
        } else {
            out.add(envelope);
        }
    }
}

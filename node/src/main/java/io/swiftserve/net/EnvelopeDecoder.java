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
 * One length-delimited frame to one {@link Envelope}, or to a {@link ChunkFrame} whose payload is a
 * slice of the frame. Only chunk data may exceed the control-frame limit. A malformed frame raises
 * {@link CorruptedFrameException}, which {@link ConnectionGuard} logs before closing. A well-formed
 * envelope of a type this version does not know (body not set) passes on: a newer peer's new
 * message must not end the session ({@link MessageRouter} ignores it, the handshake refuses it).
 */
@ChannelHandler.Sharable
public final class EnvelopeDecoder extends MessageToMessageDecoder<ByteBuf> {
    public static final EnvelopeDecoder INSTANCE = new EnvelopeDecoder();

    @Override
    protected void decode(ChannelHandlerContext ctx, ByteBuf frame, List<Object> out) throws Exception {
        int length = frame.readableBytes();
        ChunkFrame chunk = ChunkFrameParser.parse(frame);
        if (chunk != null) {
            out.add(chunk);
            return;
        }
        Envelope envelope;
        try {
            envelope = Envelope.parseFrom(CodedInputStream.newInstance(frame.nioBuffer()));
        } catch (Exception e) {
            throw new CorruptedFrameException("frame of " + length + " bytes is not an Envelope");
        }
        if (length > Wire.MAX_CONTROL_FRAME && envelope.getBodyCase() != Envelope.BodyCase.CHUNK_DATA) {
            throw new CorruptedFrameException(
                    envelope.getBodyCase() + " frame of " + length + " bytes exceeds the control limit");
        }
        if (envelope.getBodyCase() == Envelope.BodyCase.CHUNK_DATA) {
            // an unusual encoding the fast path declined: still one chunk, now a heap copy
            io.swiftserve.proto.ChunkData d = envelope.getChunkData();
            out.add(new ChunkFrame(
                    d.getFileId(),
                    d.getIndex(),
                    io.netty.buffer.Unpooled.wrappedBuffer(d.getData().asReadOnlyByteBuffer())));
        } else {
            out.add(envelope);
        }
    }
}

package io.swiftserve.net;

import com.google.protobuf.ByteString;
import io.netty.buffer.ByteBuf;
import io.netty.util.AbstractReferenceCounted;
import io.netty.util.ReferenceCounted;
import java.nio.ByteBuffer;

/**
 * A received chunk: file id, index, and the payload as a slice of the frame buffer (never copied
 * onto the heap). Whoever consumes it must {@link #release()} it.
 */
public final class ChunkFrame extends AbstractReferenceCounted {
    private final ByteString fileId;
    private final int index;
    private final ByteBuf payload;

    ChunkFrame(ByteString fileId, int index, ByteBuf payload) {
        this.fileId = fileId;
        this.index = index;
        this.payload = payload;
    }

    /** A frame over a payload that did not come off a socket (the simulation tier's links). */
    public static ChunkFrame of(byte[] fileId, int index, java.nio.ByteBuffer payload) {
        return new ChunkFrame(ByteString.copyFrom(fileId), index, io.netty.buffer.Unpooled.wrappedBuffer(payload));
    }

    public ByteString fileId() {
        return fileId;
    }

    public int index() {
        return index;
    }

    public int length() {
        return payload.readableBytes();
    }

    /** A view of the payload (a direct buffer when the frame is one); valid until release. */
    public ByteBuffer payload() {
        return payload.nioBuffer();
    }

    @Override
    protected void deallocate() {
        payload.release();
    }

    @Override
    public ReferenceCounted touch(Object hint) {
        payload.touch(hint);
        return this;
    }
}

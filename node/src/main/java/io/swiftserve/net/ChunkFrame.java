package io.swiftserve.net;

import io.netty.buffer.ByteBuf;
import io.netty.util.AbstractReferenceCounted;
import io.netty.util.ReferenceCounted;
import io.swiftserve.proto.ChunkData;

/**
 * A received chunk: its header and payload, where the payload aliases the frame buffer. Whoever
 * consumes it must {@link #release()} it.
 */
public final class ChunkFrame extends AbstractReferenceCounted {
    private final ChunkData data;
    private final ByteBuf frame;

    ChunkFrame(ChunkData data, ByteBuf frame) {
        this.data = data;
        this.frame = frame;
    }

    public ChunkData data() {
        return data;
    }

    @Override
    protected void deallocate() {
        frame.release();
    }

    @Override
    public ReferenceCounted touch(Object hint) {
        frame.touch(hint);
        return this;
    }
}

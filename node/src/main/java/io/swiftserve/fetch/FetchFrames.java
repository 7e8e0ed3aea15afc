package io.swiftserve.fetch;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufAllocator;
import io.swiftserve.transfer.ChunkFrames;

/**
 * A helper's chunk frame: byte-for-byte {@code Envelope{chunk_data: ChunkData{file_id = fetch id,
 * index, data}}} with its 4-byte length, as one buffer (head + payload) so it is written in one
 * piece and no other frame can slip between head and payload. The payload is copied once, into a
 * pooled buffer, because the worker's array is reused for the next chunk.
 */
final class FetchFrames {
    private FetchFrames() {
    }

    static ByteBuf chunk(ByteBufAllocator alloc, byte[] fetchId, int index, byte[] data, int length) {
        ByteBuf head = ChunkFrames.head(alloc, fetchId, index, length);
        try {
            return alloc.buffer(head.readableBytes() + length).writeBytes(head).writeBytes(data, 0, length);
        } finally {
            head.release();
        }
    }
}

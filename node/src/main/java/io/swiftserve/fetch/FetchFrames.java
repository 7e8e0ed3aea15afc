package io.swiftserve.fetch;

import com.google.protobuf.ByteString;
import com.google.protobuf.CodedOutputStream;
import com.google.protobuf.WireFormat;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufAllocator;
import io.swiftserve.proto.ChunkData;
import io.swiftserve.proto.Envelope;
import java.io.IOException;

/**
 * A helper's chunk frame: byte-for-byte {@code Envelope{chunk_data: ChunkData{file_id = fetch id,
 * index, data}}} with its 4-byte length, as one buffer (head + payload) so it is written in one
 * piece and no other frame can slip between head and payload. The payload is copied once, into a
 * pooled buffer, because the worker's array is reused for the next chunk.
 */
final class FetchFrames {
    private static final int DATA_TAG = (ChunkData.DATA_FIELD_NUMBER << 3) | WireFormat.WIRETYPE_LENGTH_DELIMITED;
    private static final int CHUNK_TAG = (Envelope.CHUNK_DATA_FIELD_NUMBER << 3) | WireFormat.WIRETYPE_LENGTH_DELIMITED;

    private FetchFrames() {
    }

    static ByteBuf chunk(ByteBufAllocator alloc, byte[] fetchId, int index, byte[] data, int length) {
        ChunkData header = ChunkData.newBuilder().setFileId(ByteString.copyFrom(fetchId)).setIndex(index).build();
        int headerSize = header.getSerializedSize();
        int chunkDataSize = headerSize + CodedOutputStream.computeUInt32SizeNoTag(DATA_TAG)
                + CodedOutputStream.computeUInt32SizeNoTag(length) + length;
        int frameLength = CodedOutputStream.computeUInt32SizeNoTag(CHUNK_TAG)
                + CodedOutputStream.computeUInt32SizeNoTag(chunkDataSize) + chunkDataSize;
        int headLength = 4 + frameLength - length;
        byte[] head = new byte[headLength];
        head[0] = (byte) (frameLength >>> 24);
        head[1] = (byte) (frameLength >>> 16);
        head[2] = (byte) (frameLength >>> 8);
        head[3] = (byte) frameLength;
        CodedOutputStream out = CodedOutputStream.newInstance(head, 4, headLength - 4);
        try {
            out.writeUInt32NoTag(CHUNK_TAG);
            out.writeUInt32NoTag(chunkDataSize);
            header.writeTo(out);
            out.writeUInt32NoTag(DATA_TAG);
            out.writeUInt32NoTag(length);
            out.checkNoSpaceLeft();
        } catch (IOException e) {
            throw new IllegalStateException("encoding into an exact-size array cannot fail", e);
        }
        ByteBuf buf = alloc.buffer(headLength + length);
        return buf.writeBytes(head).writeBytes(data, 0, length);
    }
}

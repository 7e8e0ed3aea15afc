package io.swiftserve.net;

import com.google.protobuf.ByteString;
import com.google.protobuf.CodedOutputStream;
import com.google.protobuf.WireFormat;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufAllocator;
import io.swiftserve.proto.ChunkData;
import io.swiftserve.proto.Envelope;
import java.io.IOException;

/**
 * Builds the head of a chunk frame so the payload can follow straight from the file. The result is
 * byte-for-byte the encoding of {@code Envelope{chunk_data: ChunkData{file_id, index, data}}} with a
 * 4-byte length in front: the payload is the last field, so everything before it is known without
 * reading the file.
 */
public final class ChunkFrames {
    private static final int DATA_TAG = (ChunkData.DATA_FIELD_NUMBER << 3) | WireFormat.WIRETYPE_LENGTH_DELIMITED;
    private static final int CHUNK_TAG = (Envelope.CHUNK_DATA_FIELD_NUMBER << 3) | WireFormat.WIRETYPE_LENGTH_DELIMITED;

    private ChunkFrames() {}

    /** Length prefix, envelope and chunk headers, up to and including the payload's length varint. */
    public static ByteBuf head(ByteBufAllocator alloc, byte[] fileId, int index, int payloadLength) {
        byte[] head = headBytes(fileId, index, payloadLength);
        return alloc.buffer(head.length).writeBytes(head);
    }

    /** {@link #head} as an array, for a caller that puts it in a buffer of its own. */
    static byte[] headBytes(byte[] fileId, int index, int payloadLength) {
        ChunkData header = ChunkData.newBuilder()
                .setFileId(ByteString.copyFrom(fileId))
                .setIndex(index)
                .build();
        int headerSize = header.getSerializedSize();
        int chunkDataSize = headerSize
                + CodedOutputStream.computeUInt32SizeNoTag(DATA_TAG)
                + CodedOutputStream.computeUInt32SizeNoTag(payloadLength)
                + payloadLength;
        int frameLength = CodedOutputStream.computeUInt32SizeNoTag(CHUNK_TAG)
                + CodedOutputStream.computeUInt32SizeNoTag(chunkDataSize)
                + chunkDataSize;
        int headLength = 4 + frameLength - payloadLength;
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
            out.writeUInt32NoTag(payloadLength);
            out.checkNoSpaceLeft();
        } catch (IOException e) {
            throw new IllegalStateException("encoding into an exact-size array cannot fail", e);
        }
        return head;
    }

    /**
     * A whole chunk frame (head and a copy of {@code data[0, length)}) as one buffer, so it is written
     * in one piece from any thread and no other frame can slip between head and payload.
     */
    public static ByteBuf chunk(ByteBufAllocator alloc, byte[] fileId, int index, byte[] data, int length) {
        ByteBuf head = head(alloc, fileId, index, length);
        try {
            return alloc.buffer(head.readableBytes() + length).writeBytes(head).writeBytes(data, 0, length);
        } finally {
            head.release();
        }
    }
}

package io.swiftserve.net;

import com.google.protobuf.ByteString;
import com.google.protobuf.WireFormat;
import io.netty.buffer.ByteBuf;
import io.netty.handler.codec.CorruptedFrameException;
import io.swiftserve.proto.ChunkData;
import io.swiftserve.proto.Envelope;

/**
 * Reads a chunk frame ({@code Envelope{chunk_data: ChunkData{file_id, index, data}}}) by hand, so
 * the payload stays a slice of the Netty buffer: protobuf's parser would copy a direct buffer onto
 * the heap first. Returns null for any other shape; the caller then parses it the ordinary way.
 */
final class ChunkFrameParser {
    static final int CHUNK_TAG = (Envelope.CHUNK_DATA_FIELD_NUMBER << 3) | WireFormat.WIRETYPE_LENGTH_DELIMITED;

    private ChunkFrameParser() {}

    static ChunkFrame parse(ByteBuf frame) {
        int start = frame.readerIndex();
        try {
            if (readVarint(frame) != CHUNK_TAG) {
                return null;
            }
            int length = readVarint(frame);
            if (length != frame.readableBytes()) {
                return null;
            }
            ByteString fileId = ByteString.EMPTY;
            int index = 0;
            int payloadAt = -1;
            int payloadLength = 0;
            while (frame.isReadable()) {
                int tag = readVarint(frame);
                int field = tag >>> 3;
                int type = tag & 7;
                if (field == ChunkData.FILE_ID_FIELD_NUMBER && type == WireFormat.WIRETYPE_LENGTH_DELIMITED) {
                    int n = boundedLength(frame);
                    byte[] id = new byte[n];
                    frame.readBytes(id);
                    fileId = ByteString.copyFrom(id);
                } else if (field == ChunkData.INDEX_FIELD_NUMBER && type == WireFormat.WIRETYPE_VARINT) {
                    index = readVarint(frame);
                } else if (field == ChunkData.DATA_FIELD_NUMBER && type == WireFormat.WIRETYPE_LENGTH_DELIMITED) {
                    payloadLength = boundedLength(frame);
                    payloadAt = frame.readerIndex();
                    frame.skipBytes(payloadLength);
                } else {
                    return null;
                }
            }
            ByteBuf payload = payloadAt < 0 ? frame.alloc().buffer(0) : frame.retainedSlice(payloadAt, payloadLength);
            return new ChunkFrame(fileId, index, payload);
        } catch (IndexOutOfBoundsException e) {
            throw new CorruptedFrameException("truncated chunk frame");
        } finally {
            frame.readerIndex(start);
        }
    }

    private static int boundedLength(ByteBuf frame) {
        int n = readVarint(frame);
        if (n < 0 || n > frame.readableBytes()) {
            throw new CorruptedFrameException("chunk frame field longer than the frame");
        }
        return n;
    }

    /** A protobuf varint of at most 32 significant bits (longer encodings are malformed here). */
    private static int readVarint(ByteBuf in) {
        int result = 0;
        for (int shift = 0; shift < 35; shift += 7) {
            byte b = in.readByte();
            result |= (b & 0x7f) << shift;
            if ((b & 0x80) == 0) {
                return result;
            }
        }
        throw new CorruptedFrameException("malformed varint in chunk frame");
    }
}

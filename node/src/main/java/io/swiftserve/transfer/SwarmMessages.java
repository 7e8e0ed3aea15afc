package io.swiftserve.transfer;

import com.google.protobuf.ByteString;
import io.swiftserve.proto.CancelChunk;
import io.swiftserve.proto.Envelope;
import io.swiftserve.proto.HaveBitmap;
import io.swiftserve.proto.HaveChunks;
import io.swiftserve.proto.RequestChunk;
import java.util.BitSet;
import java.util.Collection;

/**
 * The frames a downloader sends about one file version. In one place because the bookkeeping, the
 * super-seeding, the request pump and chunk adoption all announce the same way.
 */
final class SwarmMessages {
    private SwarmMessages() {
    }

    static Envelope bitmapOf(Download d, boolean reply) {
        return bitmap(d, d.have, reply, 0);
    }

    /** What a super-seeding seed shows: {@code shown}, with the true count in {@code holds}. */
    static Envelope bitmapMessage(Download d, BitSet shown, boolean reply) {
        ChunkBitmap b = new ChunkBitmap(d.layout.chunkCount());
        shown.stream().forEach(b::set);
        return bitmap(d, b, reply, d.have.cardinality());
    }

    private static Envelope bitmap(Download d, ChunkBitmap bits, boolean reply, int holds) {
        return Envelope.newBuilder().setHaveBitmap(HaveBitmap.newBuilder()
                .setFileId(ByteString.copyFrom(d.fileId.bytes()))
                .setChunks(d.layout.chunkCount())
                .setBitmap(ByteString.copyFrom(bits.toBytes()))
                .setReply(reply)
                .setHolds(holds)).build();
    }

    static Envelope haveChunks(Download d, Collection<Integer> indices) {
        return Envelope.newBuilder().setHaveChunks(HaveChunks.newBuilder()
                .setFileId(ByteString.copyFrom(d.fileId.bytes())).addAllIndices(indices)).build();
    }

    static Envelope requestChunk(Download d, int index) {
        return Envelope.newBuilder().setRequestChunk(RequestChunk.newBuilder()
                .setFileId(ByteString.copyFrom(d.fileId.bytes())).setIndex(index)).build();
    }

    static Envelope cancelChunk(Download d, int index) {
        return Envelope.newBuilder().setCancelChunk(CancelChunk.newBuilder()
                .setFileId(ByteString.copyFrom(d.fileId.bytes())).setIndex(index)).build();
    }
}

package io.swiftserve.transfer;

import com.google.protobuf.ByteString;
import io.swiftserve.chain.Hash;
import io.swiftserve.net.MessageRouter;
import io.swiftserve.net.PeerSession;
import io.swiftserve.proto.CancelChunk;
import io.swiftserve.proto.ChunkReject;
import io.swiftserve.proto.Envelope;
import io.swiftserve.proto.GetManifest;
import io.swiftserve.proto.HaveBitmap;
import io.swiftserve.proto.HaveChunks;
import io.swiftserve.proto.HaveComplete;
import io.swiftserve.proto.ManifestData;
import io.swiftserve.proto.RequestChunk;
import java.util.BitSet;
import java.util.Collection;
import java.util.List;

/**
 * The swarm's messages on the wire, both ways: the only transfer class that sees the generated
 * types. Out: the frames a downloader or uploader sends about one file version, in one place
 * because the bookkeeping, the super-seeding, the request pump and chunk adoption all announce the
 * same way. In: each message decoded into a {@link SwarmInbound} value for its handler.
 */
final class SwarmMessages {
    private SwarmMessages() {}

    /** The swarm's handlers for what peers send, called on the event loop. */
    interface Handlers {
        void bitmap(PeerSession from, SwarmInbound.Bitmap m);

        void have(PeerSession from, SwarmInbound.Have m);

        void refusal(PeerSession from, SwarmInbound.Refusal m);

        void request(PeerSession from, SwarmInbound.ChunkAsk m);

        void cancel(PeerSession from, SwarmInbound.ChunkAsk m);

        void manifestAsk(PeerSession from, Hash manifest);

        void manifestData(PeerSession from, SwarmInbound.ManifestReply m);

        void complete(PeerSession from, SwarmInbound.Complete m);
    }

    static void register(MessageRouter router, Handlers h) {
        router.on(Envelope.BodyCase.HAVE_BITMAP, (s, e) -> {
                    HaveBitmap m = e.getHaveBitmap();
                    ifFileId(
                            m.getFileId(),
                            id -> h.bitmap(
                                    s,
                                    new SwarmInbound.Bitmap(
                                            id,
                                            m.getChunks(),
                                            m.getBitmap().toByteArray(),
                                            m.getReply(),
                                            m.getHolds())));
                })
                .on(Envelope.BodyCase.HAVE_CHUNKS, (s, e) -> {
                    HaveChunks m = e.getHaveChunks();
                    ifFileId(m.getFileId(), id -> h.have(s, new SwarmInbound.Have(id, m.getIndicesList())));
                })
                .on(Envelope.BodyCase.CHUNK_REJECT, (s, e) -> {
                    ChunkReject m = e.getChunkReject();
                    ifFileId(
                            m.getFileId(),
                            id -> h.refusal(s, new SwarmInbound.Refusal(id, m.getIndex(), m.getReason())));
                })
                .on(
                        Envelope.BodyCase.REQUEST_CHUNK,
                        (s, e) -> h.request(
                                s,
                                new SwarmInbound.ChunkAsk(
                                        e.getRequestChunk().getFileId().toByteArray(),
                                        e.getRequestChunk().getIndex())))
                .on(
                        Envelope.BodyCase.CANCEL_CHUNK,
                        (s, e) -> h.cancel(
                                s,
                                new SwarmInbound.ChunkAsk(
                                        e.getCancelChunk().getFileId().toByteArray(),
                                        e.getCancelChunk().getIndex())))
                .on(
                        Envelope.BodyCase.GET_MANIFEST,
                        (s, e) -> ifFileId(e.getGetManifest().getManifestHash(), id -> h.manifestAsk(s, id)))
                .on(
                        Envelope.BodyCase.HAVE_COMPLETE,
                        (s, e) -> h.complete(
                                s,
                                new SwarmInbound.Complete(e.getHaveComplete().getFileIdsList().stream()
                                        .limit(MAX_COMPLETE_IDS)
                                        .filter(id -> id.size() == 32)
                                        .map(id -> Hash.of(id.toByteArray()))
                                        .toList())))
                .on(Envelope.BodyCase.MANIFEST_DATA, (s, e) -> {
                    ManifestData m = e.getManifestData();
                    ifFileId(
                            m.getManifestHash(),
                            id -> h.manifestData(
                                    s,
                                    new SwarmInbound.ManifestReply(
                                            id, m.getManifest().toByteArray())));
                });
    }

    static final int MAX_COMPLETE_IDS = 4_096;

    /** Versions this node holds every chunk of, at most {@link #MAX_COMPLETE_IDS} per message. */
    static List<Envelope> haveComplete(List<Hash> fileIds) {
        List<Envelope> out = new java.util.ArrayList<>();
        for (int from = 0; from < fileIds.size(); from += MAX_COMPLETE_IDS) {
            HaveComplete.Builder m = HaveComplete.newBuilder();
            fileIds.subList(from, Math.min(fileIds.size(), from + MAX_COMPLETE_IDS))
                    .forEach(id -> m.addFileIds(ByteString.copyFrom(id.bytes())));
            out.add(Envelope.newBuilder().setHaveComplete(m).build());
        }
        return out;
    }

    static Envelope getManifest(Hash manifest) {
        return Envelope.newBuilder()
                .setGetManifest(GetManifest.newBuilder().setManifestHash(ByteString.copyFrom(manifest.bytes())))
                .build();
    }

    /** The answer to {@link #getManifest}: the bytes as stored, or none when this node does not hold it. */
    static Envelope manifestData(Hash manifest, byte[] bytes) {
        ManifestData.Builder m = ManifestData.newBuilder().setManifestHash(ByteString.copyFrom(manifest.bytes()));
        if (bytes != null) {
            m.setManifest(ByteString.copyFrom(bytes));
        }
        return Envelope.newBuilder().setManifestData(m).build();
    }

    /** Messages about a file id that is no ledger file id (not 32 bytes) are dropped here. */
    private static void ifFileId(ByteString id, java.util.function.Consumer<Hash> then) {
        if (id.size() == 32) {
            then.accept(Hash.of(id.toByteArray()));
        }
    }

    static Envelope chunkReject(byte[] fileId, int index, String reason) {
        return Envelope.newBuilder()
                .setChunkReject(ChunkReject.newBuilder()
                        .setFileId(ByteString.copyFrom(fileId))
                        .setIndex(index)
                        .setReason(reason))
                .build();
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
        return Envelope.newBuilder()
                .setHaveBitmap(HaveBitmap.newBuilder()
                        .setFileId(ByteString.copyFrom(d.fileId.bytes()))
                        .setChunks(d.layout.chunkCount())
                        .setBitmap(ByteString.copyFrom(bits.toBytes()))
                        .setReply(reply)
                        .setHolds(holds))
                .build();
    }

    static Envelope haveChunks(Download d, Collection<Integer> indices) {
        return Envelope.newBuilder()
                .setHaveChunks(HaveChunks.newBuilder()
                        .setFileId(ByteString.copyFrom(d.fileId.bytes()))
                        .addAllIndices(indices))
                .build();
    }

    static Envelope requestChunk(Download d, int index) {
        return Envelope.newBuilder()
                .setRequestChunk(RequestChunk.newBuilder()
                        .setFileId(ByteString.copyFrom(d.fileId.bytes()))
                        .setIndex(index))
                .build();
    }

    static Envelope cancelChunk(Download d, int index) {
        return Envelope.newBuilder()
                .setCancelChunk(CancelChunk.newBuilder()
                        .setFileId(ByteString.copyFrom(d.fileId.bytes()))
                        .setIndex(index))
                .build();
    }
}

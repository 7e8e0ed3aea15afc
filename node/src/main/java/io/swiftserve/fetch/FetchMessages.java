package io.swiftserve.fetch;

import com.google.protobuf.ByteString;
import io.swiftserve.chain.Hash;
import io.swiftserve.net.MessageRouter;
import io.swiftserve.net.PeerSession;
import io.swiftserve.proto.Envelope;
import io.swiftserve.proto.FetchAssign;
import io.swiftserve.proto.FetchCancel;
import io.swiftserve.proto.FetchFailed;
import io.swiftserve.proto.FetchProgress;
import io.swiftserve.transfer.ChunkLayout;
import java.util.Collection;
import java.util.function.Consumer;

/**
 * The fetch messages on the wire, both ways: the only fetch class that sees the generated types.
 * Built in one place so every cancel names the fetch the same way; decoded into
 * {@link FetchInbound} values for the handlers.
 */
final class FetchMessages {
    private FetchMessages() {}

    /** What the fetch side does with each message, called on the event loop. */
    interface Handlers {
        void assign(PeerSession from, FetchInbound.Assignment m);

        void cancel(PeerSession from, FetchInbound.Cancel m);

        void failed(PeerSession from, FetchInbound.Failure m);

        void progress(PeerSession from, FetchInbound.Progress m);
    }

    static void register(MessageRouter router, Handlers h) {
        router.on(Envelope.BodyCase.FETCH_ASSIGN, (s, e) -> {
                    FetchAssign m = e.getFetchAssign();
                    ifFetchId(
                            m.getFetchId(),
                            id -> h.assign(
                                    s,
                                    new FetchInbound.Assignment(
                                            id,
                                            m.getUrl(),
                                            m.getSize(),
                                            m.getChunkSize(),
                                            m.getIndicesList(),
                                            m.getEtag())));
                })
                .on(Envelope.BodyCase.FETCH_CANCEL, (s, e) -> {
                    FetchCancel m = e.getFetchCancel();
                    Hash fileId =
                            m.getFileId().size() == 32 ? Hash.of(m.getFileId().toByteArray()) : null;
                    ifFetchId(
                            m.getFetchId(), id -> h.cancel(s, new FetchInbound.Cancel(id, m.getIndicesList(), fileId)));
                })
                .on(Envelope.BodyCase.FETCH_FAILED, (s, e) -> {
                    FetchFailed m = e.getFetchFailed();
                    ifFetchId(
                            m.getFetchId(),
                            id -> h.failed(s, new FetchInbound.Failure(id, m.getReason(), m.getFatal())));
                })
                .on(Envelope.BodyCase.FETCH_PROGRESS, (s, e) -> {
                    FetchProgress m = e.getFetchProgress();
                    ifFetchId(m.getFetchId(), id -> h.progress(s, new FetchInbound.Progress(id, m.getBytes())));
                });
    }

    private static void ifFetchId(ByteString id, Consumer<Hash> then) {
        if (id.size() == 32) {
            then.accept(Hash.of(id.toByteArray()));
        }
    }

    static void assign(
            PeerSession to, Hash fetchId, String url, ChunkLayout layout, Collection<Integer> indices, String etag) {
        to.send(Envelope.newBuilder()
                .setFetchAssign(FetchAssign.newBuilder()
                        .setFetchId(id(fetchId))
                        .setUrl(url)
                        .setSize(layout.size())
                        .setChunkSize(layout.chunkSize())
                        .addAllIndices(indices)
                        .setEtag(etag))
                .build());
    }

    /** Cancels {@code indices}; with none, the helper's whole part of the fetch. */
    static void cancel(PeerSession to, Hash fetchId, Collection<Integer> indices) {
        to.send(Envelope.newBuilder()
                .setFetchCancel(FetchCancel.newBuilder().setFetchId(id(fetchId)).addAllIndices(indices))
                .build());
    }

    /** The fetch is published as {@code fileId}: a helper may take its chunks into that version's download. */
    static void published(PeerSession to, Hash fetchId, Hash fileId) {
        to.send(Envelope.newBuilder()
                .setFetchCancel(
                        FetchCancel.newBuilder().setFetchId(id(fetchId)).setFileId(ByteString.copyFrom(fileId.bytes())))
                .build());
    }

    /** A helper gives back {@code indices}; fatal when no member could do better (the requester ends the fetch). */
    static void failed(PeerSession to, Hash fetchId, Collection<Integer> indices, String reason, boolean fatal) {
        to.send(Envelope.newBuilder()
                .setFetchFailed(FetchFailed.newBuilder()
                        .setFetchId(id(fetchId))
                        .addAllIndices(indices)
                        .setReason(reason)
                        .setFatal(fatal))
                .build());
    }

    static void progress(PeerSession to, Hash fetchId, long bytes) {
        to.send(Envelope.newBuilder()
                .setFetchProgress(
                        FetchProgress.newBuilder().setFetchId(id(fetchId)).setBytes(bytes))
                .build());
    }

    private static ByteString id(Hash fetchId) {
        return ByteString.copyFrom(fetchId.bytes());
    }
}

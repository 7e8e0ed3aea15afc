package io.swiftserve.fetch;

import com.google.protobuf.ByteString;
import io.swiftserve.chain.Hash;
import io.swiftserve.proto.Envelope;
import io.swiftserve.proto.FetchAssign;
import io.swiftserve.proto.FetchCancel;
import io.swiftserve.transfer.ChunkLayout;
import java.util.Collection;

/** What a requester tells its helpers, built in one place so every cancel names the fetch the same way. */
final class FetchMessages {
    private FetchMessages() {
    }

    static Envelope assign(Hash fetchId, String url, ChunkLayout layout, Collection<Integer> indices, String etag) {
        return Envelope.newBuilder().setFetchAssign(FetchAssign.newBuilder()
                .setFetchId(ByteString.copyFrom(fetchId.bytes())).setUrl(url).setSize(layout.size())
                .setChunkSize(layout.chunkSize()).addAllIndices(indices).setEtag(etag)).build();
    }

    /** Cancels {@code indices}; with none, the helper's whole part of the fetch. */
    static Envelope cancel(Hash fetchId, Collection<Integer> indices) {
        return Envelope.newBuilder().setFetchCancel(FetchCancel.newBuilder()
                .setFetchId(ByteString.copyFrom(fetchId.bytes())).addAllIndices(indices)).build();
    }

    /** The fetch is published as {@code fileId}: a helper may take its chunks into that version's download. */
    static Envelope published(Hash fetchId, Hash fileId) {
        return Envelope.newBuilder().setFetchCancel(FetchCancel.newBuilder()
                .setFetchId(ByteString.copyFrom(fetchId.bytes())).setFileId(ByteString.copyFrom(fileId.bytes()))).build();
    }
}

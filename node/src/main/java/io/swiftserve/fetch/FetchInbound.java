package io.swiftserve.fetch;

import io.swiftserve.chain.Hash;
import java.util.List;

/**
 * What members tell each other about collaborative fetches, as {@link FetchMessages} decodes it:
 * plain values, so the handlers never see the wire's generated types. A fetch id that is not 32
 * bytes never gets here.
 */
final class FetchInbound {
    private FetchInbound() {}

    /** A requester hands this node chunks of {@code url} to download (a helper's task). */
    record Assignment(Hash fetchId, String url, long size, int chunkSize, List<Integer> indices, String etag) {}

    /**
     * A requester takes back {@code indices}; with none, the helper's whole part. {@code fileId}
     * names the published version whose download may take the chunks (null if none).
     */
    record Cancel(Hash fetchId, List<Integer> indices, Hash fileId) {}

    /** A helper could not download its chunks; fatal ends the whole fetch. */
    record Failure(Hash fetchId, String reason, boolean fatal) {}

    /** A helper's heartbeat: bytes read from the origin so far. */
    record Progress(Hash fetchId, long bytes) {}
}

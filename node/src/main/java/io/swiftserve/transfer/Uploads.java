package io.swiftserve.transfer;

import io.swiftserve.chain.Hash;
import io.swiftserve.net.PeerSession;
import java.nio.file.Path;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.IntPredicate;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Serves chunk requests. Only verified chunks are served: the request is checked against this
 * node's bitmap for the file version; anything else gets a ChunkReject, never a crash.
 */
final class Uploads {
    private static final Logger log = LoggerFactory.getLogger(Uploads.class);

    private final Map<Hash, Download> files;
    private final TransferStats stats;
    private final Map<PeerSession, UploadQueue> queues = new ConcurrentHashMap<>();
    private volatile IntPredicate corrupt = i -> false;

    Uploads(Map<Hash, Download> files, TransferStats stats) {
        this.files = files;
        this.stats = stats;
    }

    void sessionUp(PeerSession session) {
        queues.put(session, new UploadQueue(session, n -> stats.bytesUp.addAndGet(n)));
    }

    void sessionDown(PeerSession session) {
        queues.remove(session);
    }

    void onRequest(PeerSession from, SwarmInbound.ChunkAsk req) {
        Download d = req.fileId().length == 32 ? files.get(Hash.of(req.fileId())) : null;
        int index = req.index();
        if (d == null) {
            reject(from, req.fileId(), index, "unknown file version");
            return;
        }
        if (index < 0 || index >= d.layout.chunkCount()) {
            reject(from, req.fileId(), index, "chunk index out of range");
            return;
        }
        Path data = d.dataPath();
        if (!d.have.get(index) || data == null) {
            reject(from, req.fileId(), index, "chunk not held");
            return;
        }
        UploadQueue queue = queue(from);
        if (queue == null || !queue.offer(new UploadQueue.Request(d, index, corrupt.test(index)))) {
            reject(from, req.fileId(), index, "too many requests queued");
        }
    }

    void onCancel(PeerSession from, SwarmInbound.ChunkAsk cancel) {
        UploadQueue queue = queue(from);
        if (queue != null) {
            queue.cancel(cancel.fileId(), cancel.index());
        }
    }

    /** Test hook: serve random bytes instead of the chunks selected by {@code which}. */
    void corruptChunks(IntPredicate which) {
        this.corrupt = which;
    }

    private UploadQueue queue(PeerSession session) {
        return queues.get(session);
    }

    static void reject(PeerSession to, byte[] fileId, int index, String reason) {
        log.debug("rejecting request of chunk {} from {}: {}", index, to.peer().shortId(), reason);
        to.send(SwarmMessages.chunkReject(fileId, index, reason));
    }
}

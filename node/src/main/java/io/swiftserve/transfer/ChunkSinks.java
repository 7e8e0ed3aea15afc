package io.swiftserve.transfer;

import io.swiftserve.chain.Hash;
import io.swiftserve.net.ChunkFrame;
import io.swiftserve.net.ChunkHandler;
import io.swiftserve.net.PeerSession;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/** Chunk frames whose file_id names a registered sink (a collaborative fetch) go there, the rest to the swarm. */
final class ChunkSinks {
    private final Map<Hash, ChunkHandler> sinks = new ConcurrentHashMap<>();

    void register(Hash id, ChunkHandler sink) {
        sinks.put(id, sink);
    }

    void unregister(Hash id) {
        sinks.remove(id);
    }

    void onChunk(PeerSession s, ChunkFrame frame, ChunkHandler swarm) {
        com.google.protobuf.ByteString id = frame.fileId();
        if (!sinks.isEmpty() && id.size() == 32) {
            ChunkHandler sink = sinks.get(Hash.of(id.toByteArray()));
            if (sink != null) {
                sink.onChunk(s, frame);
                return;
            }
        }
        swarm.onChunk(s, frame);
    }
}

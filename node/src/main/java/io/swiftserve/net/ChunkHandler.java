package io.swiftserve.net;

/** Receives chunk payloads; must release the frame (or pass that duty on). */
@FunctionalInterface
public interface ChunkHandler {
    void onChunk(PeerSession from, ChunkFrame frame);
}

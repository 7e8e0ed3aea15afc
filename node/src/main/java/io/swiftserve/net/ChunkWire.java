package io.swiftserve.net;

import java.io.IOException;
import java.nio.channels.FileChannel;
import java.util.concurrent.CompletableFuture;
import java.util.function.Consumer;

/**
 * Chunk frames to one peer, in the domain's terms: a file id, an index and where the bytes are. How
 * they reach the wire (a file region sent by sendfile in cleartext, a direct buffer the TLS handler
 * encrypts, the write buffer's water marks) stays behind it, so transfer and fetch never touch the
 * transport and a simulated one can stand in for it.
 *
 * <p>Writes of file data run on the connection's own thread ({@link #execute}); uploads keep their
 * queue outside and write only while {@link #writable()}, which keeps a cancel able to reach a
 * chunk not yet written and lets the kernel share the uplink between connections.
 */
public interface ChunkWire {
    /** Runs {@code task} on the thread that writes to this peer. */
    void execute(Runnable task);

    /** Whether the peer's write buffer is below its high-water mark. */
    boolean writable();

    /** Sets, once per wire, what runs (on the connection's thread) whenever {@link #writable()} changes. */
    void onWritabilityChanged(Runnable listener);

    /**
     * Queues, without flushing, the frame of chunk {@code index} of {@code fileId} whose payload is
     * {@code length} bytes of {@code file} from {@code offset}. Takes over {@code file}. Runs on the
     * connection's thread only, so nothing slips between the frame's head and its payload. A write
     * that fails later is reported to {@code onFailure}.
     */
    void writeChunk(byte[] fileId, int index, FileChannel file, long offset, int length, Consumer<Throwable> onFailure)
            throws IOException;

    /** Sends what {@link #writeChunk} queued. */
    void flush();

    /**
     * Writes and flushes, from any thread, a frame carrying a copy of {@code data[0, length)}: the
     * caller may reuse the array at once. Completes when the frame is written, exceptionally if not.
     */
    CompletableFuture<Void> sendChunk(byte[] fileId, int index, byte[] data, int length);
}

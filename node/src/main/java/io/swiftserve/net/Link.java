package io.swiftserve.net;

import io.swiftserve.proto.Envelope;
import java.util.concurrent.CompletableFuture;

/**
 * What a session needs from whatever carries it: a TCP connection with its Netty pipeline in a
 * daemon, a simulated link in the simulation tier. Everything above {@code net} talks to peers
 * through {@link PeerSession}, never through this.
 */
public interface Link {
    /** Writes and flushes; completes when the message left, exceptionally if it never will. */
    CompletableFuture<Void> send(Envelope envelope);

    /** Queues without flushing, for a batch that ends with {@link #flush()}. */
    void write(Envelope envelope);

    void flush();

    boolean isOpen();

    /** Closes at once, without a word to the peer. */
    void close();

    /** Runs {@code action} once the link is closed (at once if it already is). */
    void onClose(Runnable action);

    /** Runs {@code task} on the thread that reads and writes this link. */
    void execute(Runnable task);

    /** "ip:port" of the other end. */
    String remoteAddress();

    /** Chunk frames to the peer. */
    ChunkWire chunks();
}

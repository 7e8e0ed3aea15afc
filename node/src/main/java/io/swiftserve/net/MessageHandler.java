package io.swiftserve.net;

import io.swiftserve.proto.Envelope;

/** Handles one kind of message from an established session. Runs on the connection's event loop. */
@FunctionalInterface
public interface MessageHandler {
    void handle(PeerSession from, Envelope message);
}

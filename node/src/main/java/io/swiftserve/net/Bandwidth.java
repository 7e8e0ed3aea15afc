package io.swiftserve.net;

/**
 * The node's bandwidth limits on its peer connections, as its {@link Fabric} applies them (Netty's
 * traffic shapers in a daemon, {@link TrafficShapers}).
 */
public interface Bandwidth {
    /** For a fabric that does not limit bandwidth: limits are accepted and have no effect. */
    Bandwidth NONE = (up, down, perPeerUp, perPeerDown) -> {};

    /**
     * Bytes per second, 0 for no limit: the node's upload and download over all peers, then each
     * peer's. Applies at once to every connection, open or not yet made.
     */
    void set(long up, long down, long perPeerUp, long perPeerDown);
}

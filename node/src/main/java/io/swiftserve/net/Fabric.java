package io.swiftserve.net;

import io.swiftserve.identity.NodeId;
import io.swiftserve.proto.Envelope;
import io.swiftserve.proto.Join;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.util.concurrent.CompletableFuture;

/**
 * How sessions come to be: TCP connections with the handshake in a daemon ({@link NettyFabric}),
 * simulated links in the simulation tier. {@link PeerNetwork} owns what happens to a session once it
 * exists (one per peer, membership, dispatch), whatever made it.
 */
public interface Fabric {
    /** Starts accepting connections; returns the bound port (useful with 0). */
    int bind(String host, int port, Endpoint endpoint) throws IOException;

    /** Dials; completes with the session once the peer was admitted, exceptionally otherwise. */
    CompletableFuture<PeerSession> connect(InetSocketAddress address, Join invite, Endpoint endpoint);

    /** The bound port, or -1 before {@link #bind}. */
    int listenPort();

    Transport transport();

    /** "tls: TLS 1.3 (...)" or "cleartext", for the start-up log and status. */
    String describe();

    /** Where the node's bandwidth limits go; a fabric that cannot limit ignores them. */
    default Bandwidth bandwidth() {
        return Bandwidth.NONE;
    }

    /** Stops accepting and releases the fabric's threads; the network closed its sessions before. */
    void close();

    /** What the network gives a fabric: who this node is, whom to admit, where sessions and messages go. */
    interface Endpoint {
        LocalPeer local();

        /** The network's admission, peer filter included; {@code invite} null unless one was presented. */
        Admission admit(NodeId peer, Join invite);

        /** Admitted and ready: registered and announced here. On the session's thread. */
        void established(PeerSession session);

        /** A message from an established session, on its thread. */
        void received(PeerSession from, Envelope message);

        /** A chunk from an established session, on its thread; the receiver releases it. */
        void receivedChunk(PeerSession from, ChunkFrame frame);

        /** The session ended, whoever closed it. */
        void closed(PeerSession session);
    }
}

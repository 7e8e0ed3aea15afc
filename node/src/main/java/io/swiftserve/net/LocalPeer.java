package io.swiftserve.net;

import io.swiftserve.chain.Hash;
import io.swiftserve.identity.NodeKey;

/** Who this end of a connection is: key, network, and where it listens (advertised in Hello). */
public record LocalPeer(NodeKey key, Hash networkId, String listenHost, int listenPort) {}

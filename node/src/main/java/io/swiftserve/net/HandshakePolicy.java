package io.swiftserve.net;

import io.swiftserve.identity.NodeId;

/** Decides, after a peer proved its key, whether it may stay connected and as what. */
public interface HandshakePolicy {
    /** {@code inviteToken} is empty unless the peer presented one. */
    Admission admit(NodeId peer, String inviteToken);
}

package io.swiftserve.net;

import io.swiftserve.identity.NodeId;
import io.swiftserve.proto.Join;

/** Decides, after a peer proved its key, whether it may stay connected and as what. */
public interface HandshakePolicy {
    /** {@code invite} is null unless the peer presented one (the invite as used by {@code peer}). */
    Admission admit(NodeId peer, Join invite);
}

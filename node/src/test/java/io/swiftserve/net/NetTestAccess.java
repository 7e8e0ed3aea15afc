package io.swiftserve.net;

import io.netty.channel.Channel;

/** Reaches the Netty channel under a daemon's session, for tests that cut or inspect the connection itself. */
public final class NetTestAccess {
    private NetTestAccess() {}

    public static Channel channel(PeerSession session) {
        return ((NettyLink) session.link()).channel();
    }
}

package io.swiftserve.net;

import io.netty.channel.Channel;
import io.netty.channel.embedded.EmbeddedChannel;
import io.swiftserve.identity.NodeKey;

/**
 * Reaches the Netty channel under a daemon's session, for tests that cut or inspect the connection
 * itself; and makes member sessions over an embedded channel, for tests of what is kept per session.
 */
public final class NetTestAccess {
    private NetTestAccess() {}

    public static Channel channel(PeerSession session) {
        return ((NettyLink) session.link()).channel();
    }

    /** An open member session with a new peer id over an embedded channel: what it sends goes nowhere. */
    public static PeerSession memberSession(boolean outbound) {
        return new PeerSession(
                new NettyLink(new EmbeddedChannel()), NodeKey.generate().id(), outbound, "", Admission.Role.MEMBER);
    }
}

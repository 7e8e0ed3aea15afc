package io.swiftserve.net;

import static org.junit.jupiter.api.Assertions.assertEquals;

import io.netty.util.NettyRuntime;
import org.junit.jupiter.api.Test;

class NettyFabricTest {
    @Test
    void carriesConnectionsOnOneEventLoopPerCore() {
        NettyFabric fabric = new NettyFabric(Transport.CLEARTEXT);
        try {
            // Netty's default is two per core; the loops only move bytes, so more were threads to wake
            assertEquals(NettyRuntime.availableProcessors(), fabric.eventLoops());
        } finally {
            fabric.close();
        }
    }
}

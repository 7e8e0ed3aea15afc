package io.swiftserve.net;

import io.netty.channel.ChannelHandler;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** Caps inbound connections per remote address and in total, so a flood cannot exhaust the node. */
@ChannelHandler.Sharable
final class ConnectionLimiter extends ChannelInboundHandlerAdapter {
    private static final Logger log = LoggerFactory.getLogger(ConnectionLimiter.class);

    private final int perAddress;
    private final int total;
    private final AtomicInteger open = new AtomicInteger();
    private final ConcurrentHashMap<InetAddress, AtomicInteger> byAddress = new ConcurrentHashMap<>();

    ConnectionLimiter(int perAddress, int total) {
        this.perAddress = perAddress;
        this.total = total;
    }

    @Override
    public void channelActive(ChannelHandlerContext ctx) {
        InetAddress addr = ((InetSocketAddress) ctx.channel().remoteAddress()).getAddress();
        int n = byAddress.computeIfAbsent(addr, a -> new AtomicInteger()).incrementAndGet();
        int all = open.incrementAndGet();
        ctx.channel().closeFuture().addListener(f -> {
            open.decrementAndGet();
            byAddress.computeIfPresent(addr, (a, c) -> c.decrementAndGet() == 0 ? null : c);
        });
        if (n > perAddress || all > total) {
            log.warn("refusing connection from {}: {} open from it, {} in total", addr, n, all);
            ctx.close();
            return;
        }
        ctx.fireChannelActive();
    }
}

package io.swiftserve.net;

import io.netty.bootstrap.Bootstrap;
import io.netty.bootstrap.ServerBootstrap;
import io.netty.channel.Channel;
import io.netty.channel.ChannelFuture;
import io.netty.channel.ChannelOption;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.ServerChannel;
import io.netty.channel.WriteBufferWaterMark;
import io.netty.channel.epoll.Epoll;
import io.netty.channel.epoll.EpollEventLoopGroup;
import io.netty.channel.epoll.EpollServerSocketChannel;
import io.netty.channel.epoll.EpollSocketChannel;
import io.netty.channel.nio.NioEventLoopGroup;
import io.netty.channel.socket.nio.NioServerSocketChannel;
import io.netty.channel.socket.nio.NioSocketChannel;
import io.netty.util.NettyRuntime;
import io.netty.util.concurrent.EventExecutor;
import io.swiftserve.proto.Join;
import java.net.InetSocketAddress;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The node's one Netty server plus its outgoing connections. Every connection runs the staged
 * pipeline {@link PeerPipeline} builds: limits, TLS (see below), frame decoder with a maximum,
 * envelope codec, handshake (which removes itself), then keep-alive, the write-stall guard and the
 * dispatcher.
 *
 * <p>Transport: under {@link Transport#TLS} (the default) a dialer starts TLS at once
 * ({@link TlsAnswerCheck} first reads a cleartext node's refusal); a listener looks at the first byte
 * ({@link PortUnification}) and runs TLS, or for a cleartext client answers only Ping. Under
 * {@link Transport#CLEARTEXT} nothing is encrypted and a TLS client is refused with a reason.
 */
final class NettyFabric implements Fabric {
    private static final Logger log = LoggerFactory.getLogger(PeerNetwork.class);
    private static final WriteBufferWaterMark WATER_MARKS = new WriteBufferWaterMark(4 << 20, 16 << 20);
    /**
     * One event loop per core, where Netty's default is two. The loops only move bytes: hashing, the
     * disk and the swarm's decisions run on pools of their own, so the extra loops added threads to
     * wake, not capacity (on 2 cores at 100 Mbit/s: 16 hosts 0.90 × the time, 8 hosts 0.85 × the CPU
     * per GiB; one loop was slower). {@code -Dio.netty.eventLoopThreads} still sets the count.
     */
    static final int EVENT_LOOPS = Integer.getInteger("io.netty.eventLoopThreads", NettyRuntime.availableProcessors());

    private final Transport transport;
    /** Null under cleartext. */
    private final PeerTls tls;

    private final EventLoopGroup boss;
    private final EventLoopGroup workers;
    private final Class<? extends ServerChannel> serverChannel;
    private final Class<? extends Channel> clientChannel;
    private final ConnectionLimiter limiter = new ConnectionLimiter(16, 512);
    private final TrafficShapers shapers;
    private volatile Channel server;

    NettyFabric(Transport transport) {
        this.transport = transport;
        this.tls = transport == Transport.TLS ? PeerTls.create() : null;
        if (Epoll.isAvailable()) {
            boss = new EpollEventLoopGroup(1);
            workers = new EpollEventLoopGroup(EVENT_LOOPS);
            serverChannel = EpollServerSocketChannel.class;
            clientChannel = EpollSocketChannel.class;
        } else {
            boss = new NioEventLoopGroup(1);
            workers = new NioEventLoopGroup(EVENT_LOOPS);
            serverChannel = NioServerSocketChannel.class;
            clientChannel = NioSocketChannel.class;
        }
        shapers = new TrafficShapers(workers);
    }

    @Override
    public int bind(String host, int port, Endpoint endpoint) throws java.io.IOException {
        ServerBootstrap b = new ServerBootstrap()
                .group(boss, workers)
                .channel(serverChannel)
                .option(ChannelOption.SO_BACKLOG, 256)
                .option(ChannelOption.SO_REUSEADDR, true)
                .childOption(ChannelOption.TCP_NODELAY, true)
                .childOption(ChannelOption.WRITE_BUFFER_WATER_MARK, WATER_MARKS)
                .childHandler(PeerPipeline.listening(limiter, tls, shapers, endpoint));
        ChannelFuture binding = b.bind(host, port).awaitUninterruptibly();
        if (!binding.isSuccess()) {
            throw new java.io.IOException("cannot listen on " + NetAddresses.join(host, port) + ": "
                    + binding.cause().getMessage());
        }
        server = binding.channel();
        int bound = listenPort();
        log.info(
                "listening on {}:{} ({}, {} event loops, peer transport {})",
                host,
                bound,
                Epoll.isAvailable() ? "epoll" : "nio",
                eventLoops(),
                describe());
        if (tls == null) {
            log.warn(
                    "peer transport is CLEARTEXT (--transport cleartext): anyone on the network path can read every file"
                            + " and alter every message; use it only on an isolated, trusted LAN");
        }
        return bound;
    }

    @Override
    public CompletableFuture<PeerSession> connect(InetSocketAddress address, Join invite, Endpoint endpoint) {
        CompletableFuture<PeerSession> result = new CompletableFuture<>();
        Bootstrap b = new Bootstrap()
                .group(workers)
                .channel(clientChannel)
                .option(ChannelOption.CONNECT_TIMEOUT_MILLIS, 5_000)
                .option(ChannelOption.TCP_NODELAY, true)
                .option(ChannelOption.WRITE_BUFFER_WATER_MARK, WATER_MARKS)
                .handler(PeerPipeline.dialling(tls, shapers, endpoint, invite, result));
        ChannelFuture f = b.connect(address.getHostString(), address.getPort());
        f.addListener(done -> {
            if (!done.isSuccess()) {
                result.completeExceptionally(done.cause());
            } else {
                f.channel().closeFuture().addListener(c -> {
                    String refusal = f.channel().attr(HandshakeHandler.REFUSAL).get();
                    result.completeExceptionally(
                            refusal != null
                                    ? new HandshakeRefusedException(refusal)
                                    : new java.io.IOException(
                                            "connection to " + address + " closed during the handshake"));
                });
            }
        });
        return result;
    }

    /** Threads that carry this node's connections. */
    int eventLoops() {
        int n = 0;
        for (EventExecutor ignored : workers) {
            n++;
        }
        return n;
    }

    @Override
    public int listenPort() {
        Channel s = server;
        return s == null ? -1 : ((InetSocketAddress) s.localAddress()).getPort();
    }

    @Override
    public Transport transport() {
        return transport;
    }

    @Override
    public String describe() {
        return tls == null ? transport.word() : transport.word() + ": " + tls.description();
    }

    @Override
    public Bandwidth bandwidth() {
        return shapers;
    }

    @Override
    public void close() {
        if (server != null) {
            server.close().syncUninterruptibly();
        }
        shapers.close();
        boss.shutdownGracefully(0, 2, TimeUnit.SECONDS);
        workers.shutdownGracefully(0, 2, TimeUnit.SECONDS).syncUninterruptibly();
    }
}

package io.swiftserve.net;

import static org.assertj.core.api.Assertions.assertThat;

import io.netty.bootstrap.ServerBootstrap;
import io.netty.buffer.Unpooled;
import io.netty.channel.Channel;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.ChannelOption;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.nio.NioEventLoopGroup;
import io.netty.channel.socket.SocketChannel;
import io.netty.channel.socket.nio.NioServerSocketChannel;
import java.io.InputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * The guard on real sockets over loopback, with small socket buffers so that what the server sends
 * piles up in Netty: a reader that stopped and a reader too far behind are closed, a slow reader
 * that keeps draining is not.
 */
class WriteStallGuardTest {
    private static final int BUFFERS = 64 << 10;
    private static final long SECOND = TimeUnit.SECONDS.toNanos(1);

    private EventLoopGroup group;
    private final CompletableFuture<Channel> accepted = new CompletableFuture<>();
    /** When the server began writing: the guard's clock cannot have started earlier. */
    private volatile long writingSince;

    /** A server that sends {@code bytes} to whoever connects, guarded by a guard of these limits. */
    private int serve(long bytes, long stallNanos, long maxPending) {
        group = new NioEventLoopGroup(1);
        Channel server = new ServerBootstrap()
                .group(group)
                .channel(NioServerSocketChannel.class)
                .childOption(ChannelOption.SO_SNDBUF, BUFFERS)
                .childHandler(new ChannelInitializer<SocketChannel>() {
                    @Override
                    protected void initChannel(SocketChannel ch) {
                        ch.pipeline().addLast(new WriteStallGuard(stallNanos, maxPending));
                        ch.eventLoop().execute(() -> {
                            writingSince = System.nanoTime();
                            for (long sent = 0; sent < bytes; sent += BUFFERS) {
                                ch.write(Unpooled.wrappedBuffer(new byte[BUFFERS]));
                            }
                            ch.flush();
                            accepted.complete(ch);
                        });
                    }
                })
                .bind("127.0.0.1", 0)
                .syncUninterruptibly()
                .channel();
        return ((InetSocketAddress) server.localAddress()).getPort();
    }

    private static Socket connect(int port) throws Exception {
        Socket s = new Socket();
        s.setReceiveBufferSize(BUFFERS);
        s.connect(new InetSocketAddress("127.0.0.1", port), 5_000);
        return s;
    }

    @AfterEach
    void stop() {
        if (group != null) {
            group.shutdownGracefully(0, 1, TimeUnit.SECONDS).syncUninterruptibly();
        }
    }

    @Test
    void aPeerThatReadsNothingIsClosedAfterTheLimit() throws Exception {
        int port = serve(8L << 20, SECOND, Long.MAX_VALUE);
        try (Socket client = connect(port)) {
            Channel ch = accepted.get(5, TimeUnit.SECONDS);
            assertThat(ch.closeFuture().await(10, TimeUnit.SECONDS))
                    .as("closed within 10 s")
                    .isTrue();
            assertThat(System.nanoTime() - writingSince)
                    .as("not before the 1 s limit")
                    .isGreaterThanOrEqualTo(SECOND);
        }
    }

    @Test
    void aSlowReaderThatKeepsDrainingIsLeftAlone() throws Exception {
        long total = 4L << 20;
        int port = serve(total, 2 * SECOND, Long.MAX_VALUE);
        try (Socket client = connect(port)) {
            Channel ch = accepted.get(5, TimeUnit.SECONDS);
            InputStream in = client.getInputStream();
            byte[] buf = new byte[64 << 10];
            long read = 0;
            long deadline = System.nanoTime() + 30 * SECOND;
            // about 1.3 MB/s, slower than loopback by far: over 3 s for what the guard would close after 2 s
            // without progress; small steps, so a stalled test thread does not look like a stopped reader
            while (read < total && System.nanoTime() < deadline) {
                int n = in.readNBytes(buf, 0, (int) Math.min(buf.length, total - read));
                if (n == 0) {
                    break; // closed by the server
                }
                read += n;
                Thread.sleep(50);
            }
            assertThat(read).as("bytes the slow reader got").isEqualTo(total);
            assertThat(ch.isActive())
                    .as("the slow reader's connection is still open")
                    .isTrue();
        }
    }

    @Test
    void aPeerWithTooMuchQueuedForItIsClosedBeforeTheStallLimit() throws Exception {
        long stall = 20 * SECOND;
        int port = serve(8L << 20, stall, 2L << 20);
        try (Socket client = connect(port)) {
            Channel ch = accepted.get(5, TimeUnit.SECONDS);
            long start = System.nanoTime();
            assertThat(ch.closeFuture().await(10, TimeUnit.SECONDS))
                    .as("closed within 10 s")
                    .isTrue();
            assertThat(System.nanoTime() - start)
                    .as("closed for the backlog, long before the 20 s stall limit")
                    .isLessThan(stall / 2);
        }
    }
}

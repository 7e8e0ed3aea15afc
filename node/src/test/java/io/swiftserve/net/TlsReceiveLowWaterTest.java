package io.swiftserve.net;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import io.netty.bootstrap.Bootstrap;
import io.netty.bootstrap.ServerBootstrap;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.channel.Channel;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.ChannelOption;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.epoll.Epoll;
import io.netty.channel.epoll.EpollEventLoopGroup;
import io.netty.channel.epoll.EpollServerSocketChannel;
import io.netty.channel.epoll.EpollSocketChannel;
import io.netty.channel.socket.SocketChannel;
import io.netty.handler.ssl.SslHandler;
import java.nio.ByteBuffer;
import java.time.Duration;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * The receive low-water mark under TLS, on real epoll sockets and the real TLS handlers: the mark
 * stays one record below the frame's missing bytes, a frame arriving record by record wakes the
 * reader a few times instead of once per record, and a frame whose last bytes are all there is
 * never held up.
 */
class TlsReceiveLowWaterTest {
    private static final int CHUNK_FRAME = 256 << 10;

    private EventLoopGroup group;
    private Channel server;
    private Channel client;
    private final AtomicInteger wakeUps = new AtomicInteger();
    private final BlockingQueue<Integer> frames = new LinkedBlockingQueue<>();
    private final AtomicReference<Channel> accepted = new AtomicReference<>();

    @BeforeEach
    void connect() throws Exception {
        assumeTrue(Epoll.isAvailable(), "epoll transport not available here");
        PeerTls tls = PeerTls.create();
        group = new EpollEventLoopGroup(2);
        server = new ServerBootstrap()
                .group(group)
                .channel(EpollServerSocketChannel.class)
                .childHandler(new ChannelInitializer<SocketChannel>() {
                    @Override
                    protected void initChannel(SocketChannel ch) {
                        FrameDecoder frameDecoder = new FrameDecoder(true);
                        frameDecoder.established();
                        ch.pipeline().addLast(tls.serverHandler(ch.alloc()));
                        ch.pipeline().addLast(new ChannelInboundHandlerAdapter() {
                            @Override
                            public void channelReadComplete(ChannelHandlerContext ctx) {
                                wakeUps.incrementAndGet(); // one per round of reads that decrypted something
                                ctx.fireChannelReadComplete();
                            }
                        });
                        ch.pipeline().addLast(frameDecoder);
                        ch.pipeline().addLast(new ChannelInboundHandlerAdapter() {
                            @Override
                            public void channelRead(ChannelHandlerContext ctx, Object msg) {
                                ByteBuf frame = (ByteBuf) msg;
                                frames.add(frame.readableBytes());
                                frame.release();
                            }
                        });
                        accepted.set(ch);
                    }
                })
                .bind("127.0.0.1", 0)
                .syncUninterruptibly()
                .channel();
        client = new Bootstrap()
                .group(group)
                .channel(EpollSocketChannel.class)
                .option(ChannelOption.TCP_NODELAY, true)
                .handler(new ChannelInitializer<SocketChannel>() {
                    @Override
                    protected void initChannel(SocketChannel ch) {
                        ch.pipeline().addLast(tls.clientHandler(ch.alloc()));
                    }
                })
                .connect(server.localAddress())
                .syncUninterruptibly()
                .channel();
        client.pipeline().get(SslHandler.class).handshakeFuture().get(5, TimeUnit.SECONDS);
        await().atMost(Duration.ofSeconds(5)).until(() -> accepted.get() != null);
    }

    @AfterEach
    void stop() {
        if (group != null) {
            group.shutdownGracefully(0, 1, TimeUnit.SECONDS).syncUninterruptibly();
        }
    }

    @Test
    void aFrameArrivingRecordByRecordWakesTheReaderAFewTimesNotOncePerRecord() throws Exception {
        byte[] frame = frame(CHUNK_FRAME);
        send(frame, 0, 1024);
        await().atMost(Duration.ofSeconds(5)).until(() -> mark() > 1);
        assertThat(mark()).isEqualTo(frame.length - 1024 - FrameDecoder.TLS_RECORD_MAX);
        int wakeUpsBefore = wakeUps.get();

        // the rest in 32 pieces, each its own record: without the mark, nearly every one is a wake-up
        int piece = (frame.length - 1024) / 32;
        for (int at = 1024; at < frame.length; at += piece) {
            send(frame, at, Math.min(piece, frame.length - at));
            Thread.sleep(2); // paces the sender only; nothing below depends on it
        }
        assertThat(frames.poll(5, TimeUnit.SECONDS)).isEqualTo(CHUNK_FRAME);
        assertThat(wakeUps.get() - wakeUpsBefore)
                .as("wake-ups for the last 255 KiB, sent as 32 records")
                .isLessThanOrEqualTo(6);
        await().atMost(Duration.ofSeconds(5)).until(() -> mark() == 1);
    }

    @Test
    void framesSentWholeOneAfterAnotherAllArrive() throws Exception {
        for (int size : new int[] {CHUNK_FRAME, 100 << 10, 10, CHUNK_FRAME}) {
            byte[] frame = frame(size);
            send(frame, 0, frame.length);
            assertThat(frames.poll(5, TimeUnit.SECONDS)).isEqualTo(size);
        }
    }

    private void send(byte[] bytes, int from, int length) {
        client.writeAndFlush(Unpooled.wrappedBuffer(bytes, from, length)).syncUninterruptibly();
    }

    /** The kernel's mark (getsockopt), not the decoder's idea of it. */
    private int mark() {
        return accepted.get().config().getOption(ReceiveLowWater.SO_RCVLOWAT);
    }

    private static byte[] frame(int payload) {
        ByteBuffer frame = ByteBuffer.allocate(4 + payload);
        frame.putInt(payload);
        for (int i = 0; i < payload; i++) {
            frame.put((byte) i);
        }
        return frame.array();
    }
}

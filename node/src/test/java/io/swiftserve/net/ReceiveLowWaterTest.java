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
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
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
 * The receive low-water mark on real epoll sockets over loopback, in cleartext and under the real
 * TLS handlers: fewer wake-ups, never a held-up frame.
 */
class ReceiveLowWaterTest {
    private static final int CHUNK_FRAME = 256 << 10;

    private EventLoopGroup group;
    private Channel server;
    private final AtomicInteger wakeUps = new AtomicInteger();
    private final BlockingQueue<Integer> frames = new LinkedBlockingQueue<>();
    private final AtomicReference<Channel> accepted = new AtomicReference<>();
    private final AtomicReference<FrameDecoder> decoder = new AtomicReference<>();

    @BeforeEach
    void epoll() {
        assumeTrue(Epoll.isAvailable(), "epoll transport not available here");
        group = new EpollEventLoopGroup(2);
    }

    /** A server whose connections decode frames, under TLS when {@code tls} is given. */
    private void listen(PeerTls tls) {
        server = new ServerBootstrap()
                .group(group)
                .channel(EpollServerSocketChannel.class)
                .childHandler(new ChannelInitializer<SocketChannel>() {
                    @Override
                    protected void initChannel(SocketChannel ch) {
                        FrameDecoder frameDecoder = new FrameDecoder(tls != null);
                        frameDecoder.established();
                        if (tls != null) {
                            ch.pipeline().addLast(tls.serverHandler(ch.alloc()));
                        }
                        ch.pipeline().addLast(new ChannelInboundHandlerAdapter() {
                            @Override
                            public void channelReadComplete(ChannelHandlerContext ctx) {
                                wakeUps.incrementAndGet(); // one per round of reads (that decrypted something)
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
                        decoder.set(frameDecoder);
                        accepted.set(ch);
                    }
                })
                .bind("127.0.0.1", 0)
                .syncUninterruptibly()
                .channel();
    }

    @AfterEach
    void stop() {
        if (group != null) {
            group.shutdownGracefully(0, 1, TimeUnit.SECONDS).syncUninterruptibly();
        }
    }

    @Test
    void aFrameArrivingInPiecesWakesTheReaderOnceForTheRestThenSmallFramesFlowAtOnce() throws Exception {
        try (Socket client = connect()) {
            OutputStream out = client.getOutputStream();
            byte[] frame = frame(CHUNK_FRAME);
            out.write(frame, 0, 1024);
            await().atMost(Duration.ofSeconds(5)).until(() -> wakeUps.get() >= 1 && mark() > 1);
            assertThat(mark()).isEqualTo(frame.length - 1024);
            // each piece its own segment
            int wakeUpsForTheRest = wakeUpsForTheRest(frame, (at, length) -> {
                out.write(frame, at, length);
                out.flush();
            });
            assertThat(wakeUpsForTheRest).as("wake-ups for the last 255 KiB").isLessThanOrEqualTo(2);
            await().atMost(Duration.ofSeconds(5)).until(() -> mark() == 1);

            out.write(frame(10));
            out.flush();
            assertThat(frames.poll(2, TimeUnit.SECONDS))
                    .as("a small frame after the large one")
                    .isEqualTo(10);
        }
    }

    @Test
    void aSmallPartialFrameLeavesTheMarkAtOneByte() throws Exception {
        try (Socket client = connect()) {
            byte[] frame = frame(20 << 10);
            client.getOutputStream().write(frame, 0, 100);
            await().atMost(Duration.ofSeconds(5)).until(() -> wakeUps.get() >= 1);
            assertThat(mark()).isEqualTo(1);
            client.getOutputStream().write(frame, 100, frame.length - 100);
            assertThat(frames.poll(2, TimeUnit.SECONDS)).isEqualTo(20 << 10);
        }
    }

    @Test
    void aPeerThatClosesInTheMiddleOfALargeFrameIsNoticedAtOnce() throws Exception {
        try (Socket client = connect()) {
            client.getOutputStream().write(frame(CHUNK_FRAME), 0, 4096);
            await().atMost(Duration.ofSeconds(5)).until(() -> mark() > 1);
        }
        await().atMost(Duration.ofSeconds(2)).until(() -> !accepted.get().isActive());
    }

    @Test
    void underTlsTheMarkStaysOneRecordBelowAndAFrameSentRecordByRecordWakesTheReaderAFewTimes() throws Exception {
        Channel client = connectTls();
        byte[] frame = frame(CHUNK_FRAME);
        send(client, frame, 0, 1024);
        await().atMost(Duration.ofSeconds(5)).until(() -> mark() > 1);
        assertThat(mark()).isEqualTo(frame.length - 1024 - FrameDecoder.TLS_RECORD_MAX);
        // each piece its own record
        int wakeUpsForTheRest = wakeUpsForTheRest(frame, (at, length) -> send(client, frame, at, length));
        assertThat(wakeUpsForTheRest)
                .as("wake-ups for the last 255 KiB, sent as 32 records")
                .isLessThanOrEqualTo(6);
        await().atMost(Duration.ofSeconds(5)).until(() -> mark() == 1);
    }

    @Test
    void underTlsFramesSentWholeOneAfterAnotherAllArrive() throws Exception {
        Channel client = connectTls();
        for (int size : new int[] {CHUNK_FRAME, 100 << 10, 10, CHUNK_FRAME}) {
            byte[] frame = frame(size);
            send(client, frame, 0, frame.length);
            assertThat(frames.poll(5, TimeUnit.SECONDS)).isEqualTo(size);
        }
    }

    private interface Sender {
        void send(int from, int length) throws Exception;
    }

    /**
     * Sends all of {@code frame} after its first KiB in 32 paced pieces (without the mark, nearly every
     * one is a wake-up), waits for the frame, and returns how many wake-ups that took.
     */
    private int wakeUpsForTheRest(byte[] frame, Sender sender) throws Exception {
        int wakeUpsBefore = wakeUps.get();
        int piece = (frame.length - 1024) / 32;
        for (int at = 1024; at < frame.length; at += piece) {
            sender.send(at, Math.min(piece, frame.length - at));
            Thread.sleep(2); // paces the sender only; nothing below depends on it
        }
        assertThat(frames.poll(5, TimeUnit.SECONDS)).isEqualTo(frame.length - 4);
        return wakeUps.get() - wakeUpsBefore;
    }

    private Channel connectTls() throws Exception {
        PeerTls tls = PeerTls.create();
        listen(tls);
        Channel client = new Bootstrap()
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
        await().atMost(Duration.ofSeconds(5)).until(() -> decoder.get() != null);
        return client;
    }

    private static void send(Channel client, byte[] bytes, int from, int length) {
        client.writeAndFlush(Unpooled.wrappedBuffer(bytes, from, length)).syncUninterruptibly();
    }

    private Socket connect() throws Exception {
        listen(null);
        Socket client = new Socket();
        client.setTcpNoDelay(true);
        client.connect((InetSocketAddress) server.localAddress());
        await().atMost(Duration.ofSeconds(5)).until(() -> decoder.get() != null);
        return client;
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

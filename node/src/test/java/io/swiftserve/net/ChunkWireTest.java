package io.swiftserve.net;

import static org.assertj.core.api.Assertions.assertThat;

import io.netty.bootstrap.ServerBootstrap;
import io.netty.channel.Channel;
import io.netty.channel.ChannelDuplexHandler;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.ChannelOption;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.WriteBufferWaterMark;
import io.netty.channel.nio.NioEventLoopGroup;
import io.netty.channel.socket.SocketChannel;
import io.netty.channel.socket.nio.NioServerSocketChannel;
import io.swiftserve.proto.ChunkData;
import io.swiftserve.proto.Envelope;
import java.io.DataInputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.Arrays;
import java.util.Random;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@link NettyChunkWire} on a real cleartext loopback connection (the file-region path): each frame
 * is exactly the encoding of {@code Envelope{chunk_data}} with its length in front, whether the
 * payload came from a file range or from an array, and the writability listener tells when the
 * write buffer has drained below its low-water mark again.
 */
class ChunkWireTest {
    private static final byte[] FILE_ID = new byte[32];

    static {
        Arrays.fill(FILE_ID, (byte) 7);
    }

    @TempDir
    Path dir;

    private EventLoopGroup group;
    private final CompletableFuture<Channel> accepted = new CompletableFuture<>();

    private int serve(int highWater) {
        group = new NioEventLoopGroup(1);
        Channel server = new ServerBootstrap()
                .group(group)
                .channel(NioServerSocketChannel.class)
                .childOption(ChannelOption.SO_SNDBUF, 64 << 10)
                .childOption(ChannelOption.WRITE_BUFFER_WATER_MARK, new WriteBufferWaterMark(highWater / 2, highWater))
                .childHandler(new ChannelInitializer<SocketChannel>() {
                    @Override
                    protected void initChannel(SocketChannel ch) {
                        ch.pipeline().addLast("guard", new ChannelDuplexHandler());
                        accepted.complete(ch);
                    }
                })
                .bind("127.0.0.1", 0)
                .syncUninterruptibly()
                .channel();
        return ((InetSocketAddress) server.localAddress()).getPort();
    }

    @AfterEach
    void stop() {
        if (group != null) {
            group.shutdownGracefully(0, 1, TimeUnit.SECONDS).syncUninterruptibly();
        }
    }

    @Test
    void framesFromAFileRangeAndFromAnArrayDecodeAsChunkData() throws Exception {
        byte[] content = new byte[300_000];
        new Random(5).nextBytes(content);
        Path file = Files.write(dir.resolve("data"), content);
        int port = serve(16 << 20);
        try (Socket client = new Socket("127.0.0.1", port)) {
            ChunkWire wire = new NettyChunkWire(accepted.get(5, TimeUnit.SECONDS));
            CompletableFuture<Void> queued = new CompletableFuture<>();
            wire.execute(() -> {
                try {
                    wire.writeChunk(
                            FILE_ID,
                            3,
                            FileChannel.open(file, StandardOpenOption.READ),
                            1000,
                            200_000,
                            queued::completeExceptionally);
                    wire.flush();
                    queued.complete(null);
                } catch (Exception e) {
                    queued.completeExceptionally(e);
                }
            });
            queued.get(5, TimeUnit.SECONDS);
            byte[] reused = Arrays.copyOfRange(content, 5, 70_005);
            CompletableFuture<Void> sent = wire.sendChunk(FILE_ID, 9, reused, 50_000);
            Arrays.fill(reused, (byte) 0); // the wire copied it: the caller may reuse the array at once

            DataInputStream in = new DataInputStream(client.getInputStream());
            ChunkData first = readChunk(in);
            assertThat(first.getFileId().toByteArray()).isEqualTo(FILE_ID);
            assertThat(first.getIndex()).isEqualTo(3);
            assertThat(first.getData().toByteArray()).isEqualTo(Arrays.copyOfRange(content, 1000, 201_000));
            ChunkData second = readChunk(in);
            assertThat(second.getIndex()).isEqualTo(9);
            assertThat(second.getData().toByteArray()).isEqualTo(Arrays.copyOfRange(content, 5, 50_005));
            sent.get(5, TimeUnit.SECONDS);
        }
    }

    @Test
    void theListenerHearsWhenTheWireIsWritableAgain() throws Exception {
        int port = serve(1 << 20);
        try (Socket client = new Socket()) {
            client.setReceiveBufferSize(64 << 10);
            client.connect(new InetSocketAddress("127.0.0.1", port), 5_000);
            ChunkWire wire = new NettyChunkWire(accepted.get(5, TimeUnit.SECONDS));
            AtomicInteger changes = new AtomicInteger();
            CompletableFuture<Void> writableAgain = new CompletableFuture<>();
            CompletableFuture<Integer> written = new CompletableFuture<>();
            byte[] chunk = new byte[256 << 10];
            wire.execute(() -> {
                wire.onWritabilityChanged(() -> {
                    if (changes.incrementAndGet() > 1 && wire.writable()) {
                        writableAgain.complete(null);
                    }
                });
                int n = 0;
                while (wire.writable()) {
                    wire.sendChunk(FILE_ID, n++, chunk, chunk.length);
                }
                written.complete(n);
            });
            int frames = written.get(5, TimeUnit.SECONDS);
            assertThat(writableAgain).as("still full while nobody reads").isNotDone();
            DataInputStream in = new DataInputStream(client.getInputStream());
            for (int i = 0; i < frames; i++) {
                assertThat(readChunk(in).getIndex()).isEqualTo(i);
            }
            writableAgain.get(5, TimeUnit.SECONDS);
            assertThat(changes.get()).isGreaterThanOrEqualTo(2);
        }
    }

    private static ChunkData readChunk(DataInputStream in) throws Exception {
        byte[] frame = new byte[in.readInt()];
        in.readFully(frame);
        Envelope e = Envelope.parseFrom(frame);
        assertThat(e.hasChunkData()).isTrue();
        return e.getChunkData();
    }
}

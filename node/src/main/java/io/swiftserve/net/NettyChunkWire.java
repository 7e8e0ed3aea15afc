package io.swiftserve.net;

import io.netty.channel.Channel;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import java.io.IOException;
import java.nio.channels.FileChannel;
import java.util.concurrent.CompletableFuture;
import java.util.function.Consumer;

/**
 * {@link ChunkWire} on a Netty channel: each frame's head from {@link ChunkFrames}, written with the
 * payload as {@link ChunkPayloads} makes it (no copy in cleartext), straight on the event loop.
 */
final class NettyChunkWire implements ChunkWire {
    /** Before the liveness guard, where the upload queue always sat: it sees every writability change. */
    private static final String RELAY = "chunk-writability";

    private final Channel ch;

    NettyChunkWire(Channel ch) {
        this.ch = ch;
    }

    @Override
    public void execute(Runnable task) {
        ch.eventLoop().execute(task);
    }

    @Override
    public boolean writable() {
        return ch.isWritable();
    }

    @Override
    public void onWritabilityChanged(Runnable listener) {
        ch.pipeline().addBefore("guard", RELAY, new WritabilityRelay(listener));
    }

    @Override
    public void writeChunk(
            byte[] fileId, int index, FileChannel file, long offset, int length, Consumer<Throwable> onFailure)
            throws IOException {
        Object[] frame = ChunkPayloads.frame(ch, ChunkFrames.headBytes(fileId, index, length), file, offset, length);
        for (int i = 0; i < frame.length - 1; i++) {
            ch.write(frame[i]);
        }
        ch.write(frame[frame.length - 1]).addListener(f -> {
            if (!f.isSuccess()) {
                onFailure.accept(f.cause());
            }
        });
    }

    @Override
    public void flush() {
        ch.flush();
    }

    @Override
    public CompletableFuture<Void> sendChunk(byte[] fileId, int index, byte[] data, int length) {
        CompletableFuture<Void> done = new CompletableFuture<>();
        ch.writeAndFlush(ChunkFrames.chunk(ch.alloc(), fileId, index, data, length))
                .addListener(f -> {
                    if (f.isSuccess()) {
                        done.complete(null);
                    } else {
                        done.completeExceptionally(f.cause());
                    }
                });
        return done;
    }

    private static final class WritabilityRelay extends ChannelInboundHandlerAdapter {
        private final Runnable listener;

        WritabilityRelay(Runnable listener) {
            this.listener = listener;
        }

        @Override
        public void channelWritabilityChanged(ChannelHandlerContext ctx) {
            listener.run();
            ctx.fireChannelWritabilityChanged();
        }
    }
}

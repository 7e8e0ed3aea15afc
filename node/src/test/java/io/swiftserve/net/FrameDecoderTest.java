package io.swiftserve.net;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.PooledByteBufAllocator;
import io.netty.channel.embedded.EmbeddedChannel;
import io.netty.handler.codec.TooLongFrameException;
import java.io.ByteArrayOutputStream;
import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;

/**
 * The frame decoder's own cumulation: whatever way the stream is cut into reads, every frame comes out
 * whole and unchanged, even while the frames decoded before it are still held (as the hashing pool
 * holds chunk payloads), so no buffer may move under them.
 */
class FrameDecoderTest {
    private static final long SEED = Long.getLong("frames.seed", System.nanoTime());

    @Test
    void framesCutAtRandomPointsComeOutWholeWhileEarlierOnesAreStillHeld() {
        Random random = new Random(SEED);
        List<byte[]> sent = new ArrayList<>();
        ByteArrayOutputStream stream = new ByteArrayOutputStream();
        for (int i = 0; i < 60; i++) {
            int size = switch (i % 4) {
                case 0 -> random.nextInt(64); // control messages
                case 1 -> 256 << 10; // a whole chunk
                case 2 -> random.nextInt(300 << 10);
                default -> 1 + random.nextInt(4 << 10);
            };
            byte[] body = new byte[size];
            random.nextBytes(body);
            sent.add(body);
            stream.writeBytes(ByteBuffer.allocate(4).putInt(size).array());
            stream.writeBytes(body);
        }
        byte[] all = stream.toByteArray();

        FrameDecoder decoder = new FrameDecoder();
        decoder.established();
        EmbeddedChannel channel = new EmbeddedChannel(decoder);
        channel.config().setAllocator(PooledByteBufAllocator.DEFAULT);
        List<ByteBuf> held = new ArrayList<>();
        // views of each frame's memory taken when it is decoded, as the hashing pool takes them: they go
        // wrong if a buffer is ever grown or compacted in place under them
        List<ByteBuffer> views = new ArrayList<>();
        for (int at = 0; at < all.length; ) {
            // reads as the socket delivers them: mostly up to 64 KiB, sometimes a few bytes
            int n = Math.min(
                    all.length - at, random.nextInt(8) == 0 ? 1 + random.nextInt(8) : 1 + random.nextInt(64 << 10));
            ByteBuf read = PooledByteBufAllocator.DEFAULT.directBuffer(n);
            read.writeBytes(all, at, n);
            channel.writeInbound(read);
            at += n;
            for (ByteBuf frame; (frame = channel.readInbound()) != null; ) {
                held.add(frame);
                views.add(frame.nioBuffer());
            }
        }
        try {
            assertThat(views).as("frames decoded (seed %d)", SEED).hasSameSizeAs(sent);
            for (int i = 0; i < sent.size(); i++) {
                byte[] got = new byte[views.get(i).remaining()];
                views.get(i).duplicate().get(got);
                assertThat(got)
                        .as("frame %d of %d bytes (seed %d)", i, sent.get(i).length, SEED)
                        .isEqualTo(sent.get(i));
            }
        } finally {
            held.forEach(ByteBuf::release);
            channel.finishAndReleaseAll();
        }
    }

    @Test
    void beforeTheHandshakeALargeFrameIsRefusedAtItsLengthOnce() {
        EmbeddedChannel channel = new EmbeddedChannel(new FrameDecoder());
        ByteBuf header = PooledByteBufAllocator.DEFAULT
                .directBuffer(8)
                .writeInt(16 << 20)
                .writeInt(0);
        assertThatThrownBy(() -> channel.writeInbound(header))
                .isInstanceOf(TooLongFrameException.class)
                .hasMessageContaining("before the handshake");
        // what follows, and the decode when the connection closes, raise nothing more: one refusal, one log line
        channel.writeInbound(
                PooledByteBufAllocator.DEFAULT.directBuffer(8).writeInt(4).writeInt(7));
        assertThat(channel.finishAndReleaseAll())
                .as("frames let through after the refusal")
                .isFalse();
    }
}

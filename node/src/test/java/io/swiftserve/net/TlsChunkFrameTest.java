package io.swiftserve.net;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import io.netty.buffer.ByteBuf;
import io.netty.channel.embedded.EmbeddedChannel;
import io.netty.handler.ssl.OpenSsl;
import io.netty.handler.ssl.SslHandler;
import io.netty.handler.ssl.SslProvider;
import io.swiftserve.proto.ChunkData;
import io.swiftserve.proto.Envelope;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.DataInputStream;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * A chunk frame under TLS, through the real TLS handlers ({@link PeerTls}, with BoringSSL and with
 * the JDK's engine) on two embedded channels: the frame leaves the sender as one encrypted buffer, not one per 16 KiB
 * record (each of which cost its own allocation, write and promise), and the receiver decrypts the
 * exact frame.
 */
class TlsChunkFrameTest {
    private static final byte[] FILE_ID = new byte[32];

    @TempDir
    Path dir;

    @ParameterizedTest
    @EnumSource(
            value = SslProvider.class,
            names = {"OPENSSL", "JDK"})
    void aChunkFrameLeavesAsOneEncryptedBufferAndArrivesWhole(SslProvider provider) throws Exception {
        assumeTrue(provider == SslProvider.JDK || OpenSsl.isAvailable(), "BoringSSL does not load here");
        byte[] content = new byte[1_100_000];
        new Random(11).nextBytes(content);
        Path file = Files.write(dir.resolve("data"), content);
        PeerTls tls = PeerTls.create(provider);
        EmbeddedChannel sender = new EmbeddedChannel();
        EmbeddedChannel receiver = new EmbeddedChannel();
        sender.pipeline().addLast(tls.clientHandler(sender.alloc()));
        receiver.pipeline().addLast(tls.serverHandler(receiver.alloc()));
        List<ByteBuf> plaintext = new ArrayList<>();
        while (carry(sender, receiver, plaintext) + carry(receiver, sender, plaintext) > 0) {
            // the handshake, until neither side has anything more to say
        }
        assertThat(sender.pipeline().get(SslHandler.class).handshakeFuture().isSuccess())
                .isTrue();

        int length = 1 << 20;
        new NettyChunkWire(sender)
                .writeChunk(FILE_ID, 4, FileChannel.open(file, StandardOpenOption.READ), 5000, length, e -> {
                    throw new AssertionError(e);
                });
        sender.flush();
        List<ByteBuf> encrypted = new ArrayList<>();
        for (ByteBuf b; (b = sender.readOutbound()) != null; ) {
            encrypted.add(b);
        }

        // Netty sizes the output for the JDK's engine a little short, and the last records of the
        // frame go in a second and third buffer; before, both engines made one buffer per 16 KiB (65)
        assertThat(encrypted).hasSizeLessThanOrEqualTo(provider == SslProvider.JDK ? 3 : 1);
        assertThat(encrypted.stream().mapToInt(ByteBuf::readableBytes).sum()).isBetween(length, length + (length >> 8));
        for (ByteBuf b : encrypted) {
            receiver.writeInbound(b);
        }
        drain(receiver, plaintext);
        ByteArrayOutputStream received = new ByteArrayOutputStream();
        for (ByteBuf b : plaintext) {
            byte[] bytes = new byte[b.readableBytes()];
            b.readBytes(bytes);
            received.write(bytes);
            b.release();
        }
        DataInputStream in = new DataInputStream(new ByteArrayInputStream(received.toByteArray()));
        byte[] frame = new byte[in.readInt()];
        in.readFully(frame);
        assertThat(in.available()).isZero();
        ChunkData chunk = Envelope.parseFrom(frame).getChunkData();
        assertThat(chunk.getIndex()).isEqualTo(4);
        assertThat(chunk.getData().toByteArray()).isEqualTo(Arrays.copyOfRange(content, 5000, 5000 + length));
        sender.finishAndReleaseAll();
        receiver.finishAndReleaseAll();
    }

    /** Moves what {@code from} wrote into {@code to}; returns how many buffers moved. */
    private static int carry(EmbeddedChannel from, EmbeddedChannel to, List<ByteBuf> plaintext) {
        int moved = 0;
        for (ByteBuf b; (b = from.readOutbound()) != null; moved++) {
            to.writeInbound(b);
        }
        drain(to, plaintext);
        return moved;
    }

    private static void drain(EmbeddedChannel channel, List<ByteBuf> plaintext) {
        for (ByteBuf b; (b = channel.readInbound()) != null; ) {
            plaintext.add(b);
        }
    }
}

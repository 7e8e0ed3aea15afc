package io.swiftserve.tools;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.google.protobuf.ByteString;
import com.google.protobuf.TextFormat;
import io.swiftserve.net.Wire;
import io.swiftserve.proto.Block;
import io.swiftserve.proto.Blocks;
import io.swiftserve.proto.ChunkData;
import io.swiftserve.proto.Envelope;
import io.swiftserve.proto.Hello;
import io.swiftserve.proto.SignedTransaction;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.net.SocketTimeoutException;
import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

@Timeout(value = 30, unit = TimeUnit.SECONDS)
class FramesTest {
    private static final List<String> SAMPLES = List.of(
            "ping { nonce: 7 }",
            "pong { nonce: 18446744073709551615 }",
            "get_blocks { }",
            "get_blocks { locator: \"\\001\\002\" max_blocks: 2 }",
            "error { code: 5 message: \"not a member: \\\"x\\\"\" }",
            "have_chunks { file_id: \"abc\" indices: 1 indices: 2 indices: 70000 }",
            "hello { magic: 1398231894 protocol_version: 1 network_id: \"\\000\\377\" agent: \"swiftserve/0.1.0\" }",
            "join_result { accepted: true reason: \"ok\" height: 3 }");

    @Test
    void encodesPingAsFourByteLengthAndEnvelope() throws Exception {
        assertThat(Frames.frame(Frames.parse("ping { nonce: 7 }"))).containsExactly(0, 0, 0, 4, 0x1a, 0x02, 0x08, 0x07);
    }

    @Test
    void textToFramesAndBackGivesTheSameLines() throws Exception {
        ByteArrayOutputStream wire = new ByteArrayOutputStream();
        for (String s : SAMPLES) {
            wire.write(Frames.frame(Frames.parse(s)));
        }
        FrameReader reader = new FrameReader(new ByteArrayInputStream(wire.toByteArray()));
        List<String> back = new ArrayList<>();
        for (Envelope m = reader.next(); m != null; m = reader.next()) {
            back.add(Frames.format(m));
        }
        assertThat(back).containsExactlyElementsOf(SAMPLES);
        assertThat(reader.frames()).isEqualTo(SAMPLES.size());
    }

    @Test
    void printsWhatTextFormatPrintsOnOneLineAndHexParsesBackToTheSameMessage() throws Exception {
        Random random = new Random(42);
        byte[] header = new byte[90];
        byte[] signature = new byte[64];
        random.nextBytes(header);
        random.nextBytes(signature);
        Envelope blocks = Envelope.newBuilder()
                .setBlocks(Blocks.newBuilder()
                        .addBlocks(Block.newBuilder()
                                .setHeader(ByteString.copyFrom(header))
                                .setSignature(ByteString.copyFrom(signature))
                                .addTransactions(
                                        SignedTransaction.newBuilder().setBody(ByteString.copyFromUtf8("body\n\"x\""))))
                        .addBlocks(Block.newBuilder().setHeader(ByteString.copyFrom(signature))))
                .build();
        String line = Frames.format(blocks);
        assertThat(line)
                .isEqualTo(TextFormat.printer()
                        .emittingSingleLine(true)
                        .printToString(blocks)
                        .trim())
                .doesNotContain("\n");
        assertThat(Frames.parse(line)).isEqualTo(blocks);

        String hex = Frames.format(blocks, true);
        assertThat(hex).doesNotContain("\n").startsWith("blocks { blocks { header: \"\\x");
        assertThat(Frames.parse(hex)).isEqualTo(blocks);
        Envelope hello = Envelope.newBuilder()
                .setHello(Hello.newBuilder().setNetworkId(ByteString.copyFrom(new byte[] {0x4e, (byte) 0x90, 0x0a})))
                .build();
        assertThat(Frames.format(hello, true)).isEqualTo("hello { network_id: \"\\x4e\\x90\\x0a\" }");
    }

    @Test
    void chunkPayloadIsAbbreviated() throws Exception {
        Envelope chunk = Envelope.newBuilder()
                .setChunkData(ChunkData.newBuilder()
                        .setFileId(ByteString.copyFromUtf8("f"))
                        .setIndex(3)
                        .setData(ByteString.copyFrom(new byte[1 << 20])))
                .build();
        assertThat(Frames.format(chunk)).isEqualTo("chunk_data { file_id: \"f\" index: 3 data: <1048576 bytes> }");
        assertThat(Frames.format(chunk, true))
                .isEqualTo("chunk_data { file_id: \"\\x66\" index: 3 data: <1048576 bytes> }");
        assertThat(Frames.format(Frames.parse("chunk_data { data: \"abc\" }")))
                .isEqualTo("chunk_data { data: <3 bytes> }");
    }

    @Test
    void parseErrorsAreOneLineWithThePosition() {
        assertThatThrownBy(() -> Frames.parse("ping { nonce: x }"))
                .isInstanceOf(Frames.TextException.class)
                .hasMessageStartingWith("line 1, column 15: ");
        assertThatThrownBy(() -> Frames.parse("ping {\n  nonse: 1 }"))
                .hasMessage("line 2, column 3: unknown field swiftserve.v1.Ping.nonse");
        assertThatThrownBy(() -> Frames.parse("pingg { }")).hasMessageStartingWith("line 1, column 1: ");
        assertThatThrownBy(() -> Frames.parse("ping { nonce: 1 ")).hasMessageStartingWith("line 1, column 17: ");
        // one Envelope carries one message: the second member of the oneof is an error, not "last wins"
        assertThatThrownBy(() -> Frames.parse("ping { } pong { }"))
                .hasMessageStartingWith("line 1, column 10: ")
                .hasMessageContaining("oneof");
        assertThatThrownBy(() -> Frames.parse("ping { nonce: 1 nonce: 2 }")).hasMessageStartingWith("line 1, column ");
        assertThatThrownBy(() -> Frames.parse("  "))
                .hasMessageStartingWith("no message: give one of hello, auth, ping");
        for (String bad : List.of("ping { nonce: x }", "ping {\n  nonse: 1 }", "{", "ping { nonce: 1 nonce: 2 }")) {
            assertThatThrownBy(() -> Frames.parse(bad))
                    .satisfies(e -> assertThat(e.getMessage()).doesNotContain("\n"));
        }
    }

    @Test
    void badFramesAreReportedWithTheirNumberAfterTheGoodOnes() throws Exception {
        byte[] ping = Frames.frame(Frames.parse("ping { nonce: 1 }"));
        assertBad(
                concat(ping, ping, new byte[] {0, 0}),
                2,
                "frame 3: truncated: the input ends inside the 4-byte length prefix (2 of 4 bytes)");
        assertBad(
                concat(ping, new byte[] {0, 0, 0, 9, 1, 2}),
                1,
                "frame 2: truncated: the length prefix says 9 bytes, the input ends after 2");
        assertBad(
                concat(ping, ByteBuffer.allocate(4).putInt(Wire.MAX_FRAME + 1).array()),
                1,
                "frame 2: too long: the length prefix says 16781313 bytes, the limit is 16781312 (16 MiB + 4 KiB)");
        assertBad(
                concat(ping, new byte[] {(byte) 0xff, (byte) 0xff, (byte) 0xff, (byte) 0xff}),
                1,
                "frame 2: too long: the length prefix says 4294967295 bytes");
        assertBad("hello world".getBytes(), 0, "frame 1: too long: the length prefix says 1751477356 bytes");
        assertBad(
                concat(ping, new byte[] {0, 0, 0, 3, (byte) 0xff, (byte) 0xff, (byte) 0xff}),
                1,
                "frame 2: the 3 bytes are not an Envelope (");
        assertBad(concat(ping, new byte[] {0, 0, 0, 0}), 1, "frame 2: the 0 bytes carry no known message");
        // field 99, varint 1: a message type this version does not know, which a node rejects too
        assertBad(
                concat(ping, new byte[] {0, 0, 0, 3, (byte) 0x98, 0x06, 0x01}),
                1,
                "frame 2: the 3 bytes carry no known message (unknown fields [99])");
    }

    @Test
    void controlFramesAreLimitedToFourMiBButChunksMayBeLarger() throws Exception {
        byte[] big = new byte[(4 << 20) + 1];
        Envelope blocks = Envelope.newBuilder()
                .setBlocks(Blocks.newBuilder().addBlocks(Block.newBuilder().setHeader(ByteString.copyFrom(big))))
                .build();
        assertBad(
                Frames.frame(blocks),
                0,
                "frame 1: blocks frame of " + blocks.getSerializedSize()
                        + " bytes exceeds the control-frame limit of 4194304 (4 MiB)");
        assertThatThrownBy(() -> Frames.parse("blocks { blocks { header: \"" + "a".repeat((4 << 20) + 1) + "\" } }"))
                .hasMessageContaining("exceeds the frame limit");

        Envelope chunk = Envelope.newBuilder()
                .setChunkData(ChunkData.newBuilder().setIndex(1).setData(ByteString.copyFrom(new byte[16 << 20])))
                .build();
        FrameReader reader = new FrameReader(new ByteArrayInputStream(Frames.frame(chunk)));
        assertThat(Frames.format(reader.next())).isEqualTo("chunk_data { index: 1 data: <16777216 bytes> }");
        assertThat(reader.next()).isNull();
    }

    @Test
    void aReadTimeoutInsideAFrameLosesNothing() throws Exception {
        byte[] frames = concat(
                Frames.frame(Frames.parse("ping { nonce: 1 }")), Frames.frame(Frames.parse("pong { nonce: 2 }")));
        // times out after every 3 bytes, as a socket with SO_TIMEOUT does on a slow link
        InputStream stuttering = new InputStream() {
            private int pos;
            private boolean stall;

            @Override
            public int read() {
                throw new UnsupportedOperationException();
            }

            @Override
            public int read(byte[] b, int off, int len) throws IOException {
                if (stall) {
                    stall = false;
                    throw new SocketTimeoutException("Read timed out");
                }
                stall = true;
                if (pos == frames.length) {
                    return -1;
                }
                int n = Math.min(Math.min(len, 3), frames.length - pos);
                System.arraycopy(frames, pos, b, off, n);
                pos += n;
                return n;
            }
        };
        FrameReader reader = new FrameReader(stuttering);
        List<String> got = new ArrayList<>();
        int timeouts = 0;
        while (true) {
            try {
                Envelope m = reader.next();
                if (m == null) {
                    break;
                }
                got.add(Frames.format(m));
            } catch (SocketTimeoutException e) {
                timeouts++;
                assertThat(timeouts).isLessThan(100);
            }
        }
        assertThat(got).containsExactly("ping { nonce: 1 }", "pong { nonce: 2 }");
        assertThat(timeouts).isGreaterThan(2);
    }

    private static void assertBad(byte[] input, int goodFrames, String message) throws Exception {
        FrameReader reader = new FrameReader(new ByteArrayInputStream(input));
        for (int i = 0; i < goodFrames; i++) {
            assertThat(reader.next()).isNotNull();
        }
        assertThatThrownBy(reader::next)
                .isInstanceOf(FrameReader.BadFrameException.class)
                .hasMessageStartingWith(message)
                .satisfies(e -> assertThat(e.getMessage()).doesNotContain("\n"));
    }

    private static byte[] concat(byte[]... parts) throws IOException {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        for (byte[] p : parts) {
            out.write(p);
        }
        return out.toByteArray();
    }
}

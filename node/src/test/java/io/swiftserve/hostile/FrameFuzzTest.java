package io.swiftserve.hostile;

import static org.assertj.core.api.Assertions.assertThat;

import com.google.protobuf.ByteString;
import com.google.protobuf.Descriptors.FieldDescriptor;
import com.google.protobuf.Message;
import io.netty.buffer.Unpooled;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.channel.embedded.EmbeddedChannel;
import io.netty.handler.codec.LengthFieldBasedFrameDecoder;
import io.netty.util.ReferenceCountUtil;
import io.swiftserve.chain.Block;
import io.swiftserve.chain.Blockchain;
import io.swiftserve.chain.Genesis;
import io.swiftserve.chain.ImportResult;
import io.swiftserve.chain.InvalidException;
import io.swiftserve.chain.InviteToken;
import io.swiftserve.chain.Transaction;
import io.swiftserve.chain.Transactions;
import io.swiftserve.cluster.LogCapture;
import io.swiftserve.identity.NodeKey;
import io.swiftserve.net.ChunkFrame;
import io.swiftserve.net.ConnectionGuard;
import io.swiftserve.net.EnvelopeDecoder;
import io.swiftserve.net.EnvelopeEncoder;
import io.swiftserve.net.Wire;
import io.swiftserve.proto.Envelope;
import io.swiftserve.proto.SignedTransaction;
import io.swiftserve.store.InMemoryStore;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * Bounded fuzz of the node's framing and envelope decoding (the exact handlers every connection
 * runs: length-field frames with the node's maximum, {@link EnvelopeDecoder}, {@link ConnectionGuard}
 * last) in an {@link EmbeddedChannel}, and of the chain's parsers and block import with mutated
 * valid blocks. Plain JUnit 5 with a seeded {@link Random}: the seed is printed and can be replayed
 * with {@code -Dfuzz.seed=N}. Properties: no exception ever escapes the pipeline, garbage closes
 * the channel, valid frames of every message type (random field contents) decode to what was sent,
 * and no mutated block is ever imported.
 */
@Timeout(value = 120, unit = TimeUnit.SECONDS)
class FrameFuzzTest {
    private static final long SEED = Long.getLong("fuzz.seed", System.nanoTime());
    private static final Duration BUDGET = Duration.ofSeconds(Long.getLong("fuzz.seconds", 15));

    /** Collects what the decoder produced; releases chunk frames like the real handler does. */
    private static final class Sink extends ChannelInboundHandlerAdapter {
        final List<Object> got = new ArrayList<>();

        @Override
        public void channelRead(ChannelHandlerContext ctx, Object msg) {
            if (msg instanceof ChunkFrame f) {
                got.add(io.swiftserve.proto.ChunkData.newBuilder()
                        .setFileId(f.fileId())
                        .setIndex(f.index())
                        .setData(com.google.protobuf.ByteString.copyFrom(f.payload()))
                        .build());
                f.release();
            } else {
                got.add(msg);
                ReferenceCountUtil.release(msg);
            }
        }
    }

    private static EmbeddedChannel channel(Sink sink) {
        return new EmbeddedChannel(
                new LengthFieldBasedFrameDecoder(Wire.MAX_FRAME, 0, 4, 0, 4),
                EnvelopeDecoder.INSTANCE,
                EnvelopeEncoder.INSTANCE,
                sink,
                ConnectionGuard.INSTANCE);
    }

    /** Feeds {@code bytes} in random slices; returns the channel after checking no exception escaped. */
    private static EmbeddedChannel feed(Random r, Sink sink, byte[] bytes) {
        EmbeddedChannel ch = channel(sink);
        int pos = 0;
        while (pos < bytes.length && ch.isOpen()) {
            int n = Math.min(bytes.length - pos, 1 + r.nextInt(Math.max(1, bytes.length)));
            ch.writeInbound(Unpooled.wrappedBuffer(bytes, pos, n));
            pos += n;
        }
        ch.checkException(); // throws if anything reached the end of the pipeline unhandled
        return ch;
    }

    @Test
    void framesAndEnvelopesNeverCrashAndGarbageCloses() throws Exception {
        try (AutoCloseable quiet = LogCapture.quiet(ConnectionGuard.class)) {
            fuzzFrames();
        }
    }

    private void fuzzFrames() {
        Random r = new Random(SEED);
        System.out.println("[FrameFuzzTest] seed " + SEED + " (replay: -Dfuzz.seed=" + SEED + "), budget "
                + BUDGET.toSeconds() + " s");
        long end = System.nanoTime() + BUDGET.toNanos();
        int random = 0,
                randomClosed = 0,
                truncated = 0,
                oversized = 0,
                valid = 0,
                noBody = 0,
                bigControl = 0,
                mutatedEnvelopes = 0;
        List<FieldDescriptor> types =
                Envelope.getDescriptor().getOneofs().get(0).getFields();
        int[] perType = new int[types.size()];
        while (System.nanoTime() < end || valid < 2_000) {
            int kind = r.nextInt(6);
            Sink sink = new Sink();
            switch (kind) {
                case 0 -> { // random bytes, with a plausible length prefix half of the time
                    byte[] body = new byte[1 + r.nextInt(600)];
                    r.nextBytes(body);
                    byte[] bytes = r.nextBoolean() ? RawPeer.frame(body) : body;
                    EmbeddedChannel ch = feed(r, sink, bytes);
                    random++;
                    if (!ch.isOpen()) {
                        randomClosed++;
                    }
                    for (Object o : sink.got) {
                        assertThat(o).isNotNull();
                    }
                    ch.finishAndReleaseAll();
                }
                case 1 -> { // a valid frame cut short: nothing decoded, connection waits
                    byte[] f = RawPeer.frame(randomEnvelope(r, types.get(r.nextInt(types.size())), perType, types));
                    byte[] cut = java.util.Arrays.copyOf(f, r.nextInt(f.length));
                    EmbeddedChannel ch = feed(r, sink, cut);
                    assertThat(sink.got).as("truncated frame decoded").isEmpty();
                    assertThat(ch.isOpen()).isTrue();
                    ch.finishAndReleaseAll();
                    truncated++;
                }
                case 2 -> { // a length over the maximum (or negative): closed at once, before any body
                    int len = r.nextBoolean()
                            ? Wire.MAX_FRAME + 1 + r.nextInt(Integer.MAX_VALUE - Wire.MAX_FRAME - 1)
                            : -1 - r.nextInt(1000);
                    byte[] bytes =
                            java.nio.ByteBuffer.allocate(4 + 16).putInt(len).array();
                    EmbeddedChannel ch = feed(r, sink, bytes);
                    assertThat(ch.isOpen()).as("length %d accepted", len).isFalse();
                    ch.finishAndReleaseAll();
                    oversized++;
                }
                case 3 -> { // valid frames of every type with random contents, several in a row
                    List<Envelope> sent = new ArrayList<>();
                    java.io.ByteArrayOutputStream all = new java.io.ByteArrayOutputStream();
                    for (int i = 0, n = 1 + r.nextInt(4); i < n; i++) {
                        Envelope e = randomEnvelope(r, types.get(r.nextInt(types.size())), perType, types);
                        sent.add(e);
                        all.writeBytes(RawPeer.frame(e));
                    }
                    EmbeddedChannel ch = feed(r, sink, all.toByteArray());
                    assertThat(ch.isOpen())
                            .as("valid frames closed the channel")
                            .isTrue();
                    assertThat(sink.got).hasSize(sent.size());
                    for (int i = 0; i < sent.size(); i++) {
                        Object got = sink.got.get(i);
                        Message expected =
                                sent.get(i).hasChunkData() ? sent.get(i).getChunkData() : sent.get(i);
                        assertThat(((Message) got).toByteString()).isEqualTo(expected.toByteString());
                    }
                    ch.finishAndReleaseAll();
                    valid += sent.size();
                }
                case 4 -> { // a well-formed protobuf of a type this version does not know: passed on (the router
                    // ignores it)
                    byte[] body = com.google.protobuf.UnknownFieldSet.newBuilder()
                            .addField(
                                    100 + r.nextInt(1000),
                                    com.google.protobuf.UnknownFieldSet.Field.newBuilder()
                                            .addVarint(r.nextLong())
                                            .build())
                            .build()
                            .toByteArray();
                    EmbeddedChannel ch = feed(r, sink, RawPeer.frame(body));
                    assertThat(ch.isOpen())
                            .as("a newer peer's message type closed the channel")
                            .isTrue();
                    assertThat(sink.got)
                            .singleElement()
                            .extracting(o -> ((Envelope) o).getBodyCase())
                            .isEqualTo(Envelope.BodyCase.BODY_NOT_SET);
                    ch.finishAndReleaseAll();
                    noBody++;
                }
                default -> { // one valid envelope with a single byte flipped: either decodes or closes, never throws
                    byte[] f = RawPeer.frame(randomEnvelope(r, types.get(r.nextInt(types.size())), perType, types));
                    if (f.length > 4) {
                        int at = 4 + r.nextInt(f.length - 4);
                        f[at] ^= (byte) (1 + r.nextInt(255));
                    }
                    EmbeddedChannel ch = feed(r, sink, f);
                    ch.finishAndReleaseAll();
                    mutatedEnvelopes++;
                }
            }
        }
        // control frames over 4 MiB are refused even though the frame limit is 16 MiB
        for (int i = 0; i < 3; i++) {
            Sink sink = new Sink();
            byte[] big = new byte[Wire.MAX_CONTROL_FRAME + 1 + r.nextInt(1000)];
            Envelope e = Envelope.newBuilder()
                    .setBlocks(io.swiftserve.proto.Blocks.newBuilder()
                            .addBlocks(io.swiftserve.proto.Block.newBuilder().setHeader(ByteString.copyFrom(big))))
                    .build();
            EmbeddedChannel ch = feed(r, sink, RawPeer.frame(e));
            assertThat(ch.isOpen())
                    .as("control frame of %d bytes accepted", e.getSerializedSize())
                    .isFalse();
            assertThat(sink.got).isEmpty();
            ch.finishAndReleaseAll();
            bigControl++;
        }
        int total = random + truncated + oversized + valid + noBody + bigControl + mutatedEnvelopes;
        StringBuilder cover = new StringBuilder();
        for (int i = 0; i < types.size(); i++) {
            cover.append(types.get(i).getName()).append('=').append(perType[i]).append(' ');
        }
        System.out.printf(
                "[FrameFuzzTest] frames tried: %d (random %d of which closed %d, truncated %d, oversized length %d, "
                        + "valid %d, no known message %d, control > 4 MiB %d, one byte flipped %d); exceptions escaped: 0%n",
                total, random, randomClosed, truncated, oversized, valid, noBody, bigControl, mutatedEnvelopes);
        System.out.println("[FrameFuzzTest] valid envelopes per type: " + cover);
        assertThat(randomClosed).as("random garbage closes the channel").isPositive();
        for (int i = 0; i < types.size(); i++) {
            assertThat(perType[i])
                    .as("envelopes of type %s tried", types.get(i).getName())
                    .isPositive();
        }
    }

    /** Parsers of everything signed, and block import, against random and mutated input. */
    @Test
    void chainParsersAndImportRefuseEveryMutation() throws Exception {
        Random r = new Random(SEED ^ 0x5eed);
        Clock clock = Clock.systemUTC();
        NodeKey founder = NodeKey.generate();
        Block genesis = Genesis.create(founder, "fuzz", clock);
        Blockchain chain = Blockchain.initialize(new InMemoryStore(), genesis, clock);
        Transactions txs = new Transactions(founder, chain.networkId(), clock);
        Block good = Block.seal(
                founder,
                chain.networkId(),
                1,
                genesis.hash(),
                clock.millis(),
                List.of(txs.fileAdd("a/b.bin", 1000, 256 * 1024, new byte[32], 1)));
        byte[] goodBytes = good.toProto().toByteArray();
        long end = System.nanoTime() + Duration.ofSeconds(8).toNanos();
        int tried = 0, parsedOk = 0, refused = 0, tokens = 0, txParsed = 0;
        while (System.nanoTime() < end || tried < 2_000) {
            byte[] m = goodBytes.clone();
            for (int k = 0, n = 1 + r.nextInt(3); k < n; k++) {
                m[r.nextInt(m.length)] ^= (byte) (1 + r.nextInt(255));
            }
            tried++;
            Block b;
            try {
                b = Block.parse(m);
                parsedOk++;
            } catch (InvalidException e) {
                refused++;
                continue;
            }
            if (java.util.Arrays.equals(b.toProto().toByteArray(), goodBytes)) {
                // the flips only changed the container's encoding (e.g. a non-canonical varint):
                // this is the honest block itself, which must not be imported here
                continue;
            }
            ImportResult res = chain.importBlock(b);
            assertThat(res.status())
                    .as("mutated block %s imported: %s", b, res)
                    .isIn(ImportResult.Status.INVALID, ImportResult.Status.ORPHAN, ImportResult.Status.KNOWN);
            assertThat(chain.head().hash()).isEqualTo(genesis.hash());
            // random garbage for the other parsers
            byte[] junk = new byte[r.nextInt(200)];
            r.nextBytes(junk);
            try {
                InviteToken.parse("ssinv2." + java.util.Base64.getUrlEncoder().encodeToString(junk) + "."
                        + java.util.Base64.getUrlEncoder().encodeToString(java.util.Arrays.copyOf(junk, 64)) + "."
                        + java.util.Base64.getUrlEncoder().encodeToString(java.util.Arrays.copyOf(junk, 32)));
            } catch (InvalidException expected) {
                tokens++;
            }
            try {
                Transaction.fromProto(SignedTransaction.newBuilder()
                        .setBody(ByteString.copyFrom(junk))
                        .build());
                txParsed++;
            } catch (InvalidException expected) {
                // refused with a reason
            }
        }
        assertThat(chain.importBlock(good).status()).isEqualTo(ImportResult.Status.EXTENDED);
        System.out.printf(
                "[FrameFuzzTest] mutated blocks tried: %d (refused by the parser %d, parsed and refused by import %d, "
                        + "imported 0); junk invite tokens refused %d; junk transactions parsed %d (structure only)%n",
                tried, refused, parsedOk, tokens, txParsed);
    }

    private static Envelope randomEnvelope(Random r, FieldDescriptor type, int[] perType, List<FieldDescriptor> types) {
        perType[types.indexOf(type)]++;
        return RandomEnvelopes.of(r, type, Integer.MAX_VALUE);
    }
}

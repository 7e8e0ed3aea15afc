package io.swiftserve.hostile;

import static org.assertj.core.api.Assertions.assertThat;

import com.google.protobuf.ByteString;
import io.swiftserve.chain.Hash;
import io.swiftserve.cluster.NodeFiles;
import io.swiftserve.cluster.TestCluster;
import io.swiftserve.cluster.TestFiles;
import io.swiftserve.daemon.Node;
import io.swiftserve.identity.NodeKey;
import io.swiftserve.proto.ChainStatus;
import io.swiftserve.proto.ChunkData;
import io.swiftserve.proto.Envelope;
import io.swiftserve.proto.GetBlocks;
import io.swiftserve.proto.HaveBitmap;
import io.swiftserve.proto.JoinRequest;
import io.swiftserve.proto.PeerList;
import io.swiftserve.proto.Ping;
import io.swiftserve.proto.RequestChunk;
import java.nio.file.Path;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AutoClose;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * A stranger speaks the protocol correctly (right magic, version and network id, a real Ed25519 key)
 * but is not a member. Whatever it sends, before, during or after its refused handshake, it gets
 * nothing but ErrorReply (and Pong to Ping, by design) and a closed connection: no chain, no file
 * list, no peer list, no chunk bitmap, no byte of data.
 */
@Timeout(value = 120, unit = TimeUnit.SECONDS)
class StrangerTest {
    /** What a stranger must never receive. */
    private static final List<Envelope.BodyCase> SECRETS = List.of(
            Envelope.BodyCase.BLOCKS,
            Envelope.BodyCase.NEW_BLOCK,
            Envelope.BodyCase.BLOCK_INV,
            Envelope.BodyCase.HAVE_COMPLETE,
            Envelope.BodyCase.CHAIN_STATUS,
            Envelope.BodyCase.NEW_TRANSACTION,
            Envelope.BodyCase.PEER_LIST,
            Envelope.BodyCase.HAVE_BITMAP,
            Envelope.BodyCase.HAVE_CHUNKS,
            Envelope.BodyCase.CHUNK_DATA,
            Envelope.BodyCase.CHUNK_REJECT,
            Envelope.BodyCase.AUTH,
            Envelope.BodyCase.JOIN_RESULT);

    @TempDir
    Path dir;

    @AutoClose
    private TestCluster cluster;

    private Map<String, Envelope> requests(Hash fileId) {
        ByteString id = ByteString.copyFrom(fileId.bytes());
        Map<String, Envelope> m = new LinkedHashMap<>();
        m.put(
                "GetBlockData",
                Envelope.newBuilder()
                        .setGetBlockData(io.swiftserve.proto.GetBlockData.newBuilder()
                                .addHashes(ByteString.copyFrom(
                                        cluster.node(0).chain().head().hash().bytes())))
                        .build());
        m.put(
                "GetBlocks",
                Envelope.newBuilder()
                        .setGetBlocks(GetBlocks.newBuilder().setMaxBlocks(256))
                        .build());
        m.put(
                "ChainStatus",
                Envelope.newBuilder()
                        .setChainStatus(
                                ChainStatus.newBuilder().setHeight(0).setHeadHash(ByteString.copyFrom(new byte[32])))
                        .build());
        m.put(
                "RequestChunk",
                Envelope.newBuilder()
                        .setRequestChunk(RequestChunk.newBuilder().setFileId(id).setIndex(0))
                        .build());
        m.put(
                "HaveBitmap",
                Envelope.newBuilder()
                        .setHaveBitmap(HaveBitmap.newBuilder().setFileId(id).setChunks(4))
                        .build());
        m.put(
                "PeerList",
                Envelope.newBuilder().setPeerList(PeerList.getDefaultInstance()).build());
        m.put(
                "JoinRequest",
                Envelope.newBuilder()
                        .setJoinRequest(JoinRequest.getDefaultInstance())
                        .build());
        return m;
    }

    @Test
    void aStrangerLearnsNothingWhateverItSends() throws Exception {
        cluster = TestCluster.converged(dir.resolve("cluster"), 1);
        Node node = cluster.node(0);
        Path source = dir.resolve("secret.bin");
        TestFiles.writeRandom(source, 2L * TestFiles.MIB, 21);
        Hash fileId = NodeFiles.add(node, "secret.bin", source);
        NodeFiles.awaitComplete(cluster.running(), fileId, Duration.ofSeconds(30));
        Hash net = node.chain().networkId();
        NodeKey stranger = NodeKey.generate();
        int attempts = 0, errors = 0, pongs = 0;

        // 1) the full handshake: refused with a reason, connection closed
        try (RawPeer p = RawPeer.connect(node.port())) {
            Envelope answer = p.handshake(stranger, net, null);
            assertThat(answer).isNotNull();
            assertThat(answer.hasError()).as("stranger admitted: %s", answer).isTrue();
            assertThat(answer.getError().getCode()).isEqualTo(io.swiftserve.net.ErrorCode.NOT_A_MEMBER.wire());
            // and right behind its Auth, it asks for everything anyway
            requests(fileId).values().forEach(p::send);
            assertThat(p.awaitClosed(Duration.ofSeconds(5))).isTrue();
            assertNothingLearned(p, "full handshake");
            attempts++;
            errors++;
            System.out.printf(
                    "[StrangerTest] refused handshake: ErrorReply %d '%s', closed%n",
                    answer.getError().getCode(), answer.getError().getMessage());
        }
        // 2) every request without any handshake, and 3) after the Hellos but instead of Auth
        for (boolean afterHello : new boolean[] {false, true}) {
            for (Map.Entry<String, Envelope> req : requests(fileId).entrySet()) {
                try (RawPeer p = RawPeer.connect(node.port())) {
                    if (afterHello) {
                        p.send(Envelope.newBuilder()
                                .setHello(io.swiftserve.proto.Hello.newBuilder()
                                        .setMagic(0x53575356)
                                        .setProtocolVersion(io.swiftserve.net.Wire.PROTOCOL_VERSION)
                                        .setNetworkId(ByteString.copyFrom(net.bytes()))
                                        .setNodeKey(ByteString.copyFrom(
                                                stranger.id().bytes()))
                                        .setNonce(ByteString.copyFrom(new byte[32])))
                                .build());
                        assertThat(p.poll(Envelope.BodyCase.HELLO, Duration.ofSeconds(5)))
                                .isNotNull();
                    }
                    p.send(Envelope.newBuilder()
                            .setPing(Ping.newBuilder().setNonce(5))
                            .build());
                    if (p.poll(Envelope.BodyCase.PONG, Duration.ofSeconds(5)) != null) {
                        pongs++;
                    }
                    p.send(req.getValue());
                    Envelope err = p.poll(Envelope.BodyCase.ERROR, Duration.ofSeconds(5));
                    assertThat(err).as("ErrorReply to %s", req.getKey()).isNotNull();
                    assertThat(p.awaitClosed(Duration.ofSeconds(5)))
                            .as("closed after %s", req.getKey())
                            .isTrue();
                    assertNothingLearned(p, req.getKey());
                    attempts++;
                    errors++;
                }
            }
        }
        System.out.printf(
                "[StrangerTest] attacks refused: %d of %d (each: ErrorReply + close; Pong to %d Pings by design); "
                        + "chain, file list, peer list, bitmaps and chunk bytes received: 0%n",
                errors, attempts, pongs);
        assertThat(node.network().session(stranger.id())).isEmpty();
    }

    /** Chunk data before the handshake must close the connection like any other non-handshake message. */
    @Test
    void chunkDataBeforeTheHandshakeClosesTheConnection() throws Exception {
        cluster = new TestCluster(dir.resolve("cluster"));
        Node node = cluster.found();
        try (RawPeer p = RawPeer.connect(node.port())) {
            p.send(Envelope.newBuilder()
                    .setChunkData(ChunkData.newBuilder()
                            .setFileId(ByteString.copyFrom(new byte[32]))
                            .setData(ByteString.copyFrom(new byte[1 << 20])))
                    .build());
            assertThat(p.awaitClosed(Duration.ofSeconds(3)))
                    .as("closed within 3 s")
                    .isTrue();
            assertNothingLearned(p, "ChunkData");
        }
    }

    /**
     * Before the handshake a frame may be at most 64 KiB: announcing a chunk-sized frame closes the
     * connection at once, so unauthenticated clients cannot make the node buffer 16 MiB each.
     */
    @Test
    void aLargeFrameBeforeTheHandshakeIsRefusedAtItsLength() throws Exception {
        cluster = new TestCluster(dir.resolve("cluster"));
        Node node = cluster.found();
        try (RawPeer p = RawPeer.connect(node.port())) {
            long sent = System.nanoTime();
            p.sendRaw(java.nio.ByteBuffer.allocate(4 + 1024).putInt(16 << 20).array());
            boolean closed = p.awaitClosed(Duration.ofSeconds(3));
            System.out.printf(
                    "[StrangerTest] 16 MiB frame announced before the handshake: closed %s%n",
                    closed ? String.format("after %.2f s", (p.closedAtNanos() - sent) / 1e9) : "NO");
            assertThat(closed)
                    .as("closed within 3 s, long before the 10 s handshake deadline")
                    .isTrue();
            assertNothingLearned(p, "a 16 MiB frame");
        }
    }

    private static void assertNothingLearned(RawPeer p, String what) {
        assertThat(p.received)
                .as("what a stranger got for %s", what)
                .noneMatch(e -> SECRETS.contains(e.getBodyCase()))
                .allMatch(e -> e.hasError() || e.hasPong() || e.hasHello());
    }
}

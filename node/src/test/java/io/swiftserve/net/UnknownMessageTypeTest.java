package io.swiftserve.net;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.swiftserve.chain.Hash;
import io.swiftserve.hostile.RawPeer;
import io.swiftserve.identity.NodeKey;
import io.swiftserve.proto.Envelope;
import io.swiftserve.proto.Ping;
import java.time.Duration;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * A newer peer's message type (an Envelope field this version does not know) over a real TLS
 * socket: ignored and counted in an established session, which goes on answering; refused with
 * ErrorReply 6 and closed before the handshake (PROTOCOL.md, "Messages").
 */
class UnknownMessageTypeTest {
    private final Hash networkId = Hash.sha256(new byte[] {1});
    private final MessageRouter router = new MessageRouter();
    private PeerNetwork node;
    private int port;

    @BeforeEach
    void start() throws Exception {
        node = new PeerNetwork(
                new LocalPeer(NodeKey.generate(), networkId, "127.0.0.1", 0),
                (peer, invite) -> Admission.member(),
                router,
                SessionListener.NONE);
        port = node.bind("127.0.0.1", 0);
    }

    @AfterEach
    void stop() {
        node.close();
    }

    /** An Envelope whose only field is number 999, as a later version might send. */
    static byte[] unknownTypeFrame() {
        byte[] body = com.google.protobuf.UnknownFieldSet.newBuilder()
                .addField(
                        999,
                        com.google.protobuf.UnknownFieldSet.Field.newBuilder()
                                .addVarint(42)
                                .build())
                .build()
                .toByteArray();
        return RawPeer.frame(body);
    }

    @Test
    void anEstablishedSessionIgnoresAnUnknownTypeAndKeepsAnswering() throws Exception {
        try (RawPeer peer = RawPeer.connect(port)) {
            assertThat(peer.handshake(NodeKey.generate(), networkId, null).hasAuth())
                    .isTrue();
            assertThat(peer.sendRaw(unknownTypeFrame())).isTrue();
            peer.send(
                    Envelope.newBuilder().setPing(Ping.newBuilder().setNonce(7)).build());
            Envelope pong = peer.poll(Envelope.BodyCase.PONG, Duration.ofSeconds(10));
            assertThat(pong)
                    .as("Pong after the unknown message (closed: %s)", peer.closedByPeer())
                    .isNotNull();
            assertThat(pong.getPong().getNonce()).isEqualTo(7);
            assertThat(router.unknownMessages()).isEqualTo(1);
            assertThat(peer.received).noneMatch(Envelope::hasError);
        }
    }

    @Test
    void beforeTheHandshakeAnUnknownTypeIsRefusedAndClosed() throws Exception {
        try (RawPeer peer = RawPeer.connect(port)) {
            peer.sendRaw(unknownTypeFrame());
            Envelope error = peer.poll(Envelope.BodyCase.ERROR, Duration.ofSeconds(10));
            assertThat(error).isNotNull();
            assertThat(error.getError().getCode()).isEqualTo(ErrorCode.NOT_ALLOWED.wire());
            assertThat(error.getError().getMessage()).contains("unknown type");
            assertThat(peer.awaitClosed(Duration.ofSeconds(10))).isTrue();
            await().atMost(Duration.ofSeconds(5)).until(() -> node.allSessions().isEmpty());
            assertThat(router.unknownMessages()).isZero();
        }
    }
}

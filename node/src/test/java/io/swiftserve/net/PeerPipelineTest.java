package io.swiftserve.net;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.swiftserve.chain.Hash;
import io.swiftserve.identity.NodeKey;
import java.net.InetSocketAddress;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/** Two real networks connect; both ends of the session run the handlers PeerPipeline names, in its order. */
class PeerPipelineTest {
    private final Hash networkId = Hash.sha256(new byte[] {2});

    private PeerNetwork network(Transport transport) {
        return new PeerNetwork(
                new LocalPeer(NodeKey.generate(), networkId, "127.0.0.1", 0),
                (peer, invite) -> Admission.member(),
                new MessageRouter(),
                SessionListener.NONE,
                transport);
    }

    private static List<String> handlers(PeerSession s) {
        return NetTestAccess.channel(s).pipeline().names().stream()
                .filter(n -> !n.startsWith("DefaultChannelPipeline"))
                .toList();
    }

    @Test
    void anEstablishedTlsSessionHasTheSameHandlersInTheSameOrderOnBothEnds() throws Exception {
        try (PeerNetwork listener = network(Transport.TLS);
                PeerNetwork dialer = network(Transport.TLS)) {
            int port = listener.bind("127.0.0.1", 0);
            PeerSession out = dialer.connect(new InetSocketAddress("127.0.0.1", port), null)
                    .get(10, TimeUnit.SECONDS);
            await().atMost(Duration.ofSeconds(10))
                    .until(() -> !listener.sessions().isEmpty());
            PeerSession in = listener.sessions().iterator().next();
            List<String> established = List.of(
                    TrafficShapers.NODE,
                    TrafficShapers.PEER,
                    PeerPipeline.TLS,
                    PeerPipeline.FRAMES,
                    PeerPipeline.DECODER,
                    PeerPipeline.ENCODER,
                    PeerPipeline.IDLE,
                    PeerPipeline.STALL,
                    PeerPipeline.PEER,
                    PeerPipeline.GUARD);
            assertThat(handlers(out)).containsExactlyElementsOf(established);
            assertThat(handlers(in))
                    .containsExactly(
                            TrafficShapers.NODE,
                            TrafficShapers.PEER,
                            PeerPipeline.LIMITS,
                            PeerPipeline.TLS,
                            PeerPipeline.FRAMES,
                            PeerPipeline.DECODER,
                            PeerPipeline.ENCODER,
                            PeerPipeline.IDLE,
                            PeerPipeline.STALL,
                            PeerPipeline.PEER,
                            PeerPipeline.GUARD);
        }
    }

    @Test
    void aCleartextSessionHasNoTlsHandler() throws Exception {
        try (PeerNetwork listener = network(Transport.CLEARTEXT);
                PeerNetwork dialer = network(Transport.CLEARTEXT)) {
            int port = listener.bind("127.0.0.1", 0);
            PeerSession out = dialer.connect(new InetSocketAddress("127.0.0.1", port), null)
                    .get(10, TimeUnit.SECONDS);
            assertThat(handlers(out))
                    .containsExactly(
                            TrafficShapers.NODE,
                            TrafficShapers.PEER,
                            PeerPipeline.FRAMES,
                            PeerPipeline.DECODER,
                            PeerPipeline.ENCODER,
                            PeerPipeline.IDLE,
                            PeerPipeline.STALL,
                            PeerPipeline.PEER,
                            PeerPipeline.GUARD);
        }
    }
}

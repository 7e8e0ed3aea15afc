package io.swiftserve.hostile;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.swiftserve.chain.Hash;
import io.swiftserve.chain.InviteToken;
import io.swiftserve.cluster.TestCluster;
import io.swiftserve.daemon.Node;
import io.swiftserve.gossip.JoinClient;
import io.swiftserve.identity.NodeKey;
import io.swiftserve.proto.Auth;
import io.swiftserve.proto.Envelope;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AutoClose;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * An on-path host captures everything an honest joiner sends up to and including its Auth, resets
 * the connection, and tries to join with what it captured under its own key. Nothing it saw lets
 * it in; the honest joiner then joins with the same invite.
 */
@Timeout(value = 120, unit = TimeUnit.SECONDS)
class InviteTheftTest {
    @TempDir
    Path dir;

    @AutoClose
    private TestCluster cluster;

    @Test
    void aCapturedJoinerAuthIsUselessWithAnotherKey() throws Exception {
        // the tap reads frames, which only a cleartext network shows it: under TLS it would see nothing
        // to steal at all; the key binding must hold even where the traffic is readable
        cluster = TestCluster.converged(
                dir.resolve("cluster"), 0, c -> c.withTransport(io.swiftserve.net.Transport.CLEARTEXT));
        Node founder = cluster.node(0);
        Hash net = founder.chain().networkId();
        try (TapProxy tap = TapProxy.to(founder.port())) {
            String token = InviteToken.create(
                            founder.key(),
                            net,
                            Duration.ofMinutes(10),
                            List.of("127.0.0.1:" + tap.port()),
                            Clock.systemUTC())
                    .format();

            assertThatThrownBy(() -> cluster.joinWith(token))
                    .as("the tap resets the honest joiner")
                    .isInstanceOf(JoinClient.JoinException.class);
            Auth captured = tap.captured().get(10, TimeUnit.SECONDS);
            System.out.printf(
                    "[InviteTheftTest] captured the joiner's Auth (%d bytes; fields %s)%n",
                    captured.getSerializedSize(),
                    captured.getAllFields().keySet().stream()
                            .map(f -> f.getName())
                            .toList());

            NodeKey thief = NodeKey.generate();
            try (RawPeer p = RawPeer.connectCleartext(founder.port())) {
                Envelope answer = p.handshakeReplaying(thief, net, captured);
                System.out.printf(
                        "[InviteTheftTest] thief %s replays it with its own key proof -> %s%n",
                        thief.id().shortId(),
                        answer == null
                                ? "no answer"
                                : answer.getBodyCase() + " "
                                        + (answer.hasError() ? answer.getError().getMessage() : ""));
                assertThat(answer).isNotNull();
                assertThat(answer.hasError()).as("thief admitted: %s", answer).isTrue();
                assertThat(answer.getError().getMessage()).contains("invite");
                assertThat(p.awaitClosed(Duration.ofSeconds(5))).isTrue();
            }
            assertThat(founder.chain().state().isMember(thief.id())).isFalse();

            Node honest = cluster.joinWith(token);
            assertThat(founder.chain().state().isMember(honest.key().id()))
                    .as("the invite was still good")
                    .isTrue();
            System.out.println("[InviteTheftTest] the honest joiner then joined with the same invite");
        }
    }
}

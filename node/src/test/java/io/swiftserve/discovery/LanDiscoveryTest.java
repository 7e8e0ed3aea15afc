package io.swiftserve.discovery;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.swiftserve.chain.Hash;
import io.swiftserve.discovery.ReceiveRules.Verdict;
import io.swiftserve.identity.NodeId;
import io.swiftserve.identity.NodeKey;
import io.swiftserve.util.Threads;
import java.net.DatagramPacket;
import java.net.DatagramSocket;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.Set;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * Real UDP on loopback: loopback has neither broadcast nor multicast, so announcements go to the
 * unicast addresses of {@link LanDiscovery.Options}; everything after the socket is the daemon's path.
 */
@Timeout(30)
class LanDiscoveryTest {
    private static final Duration LIMIT = Duration.ofSeconds(10);
    private final Hash network = Hash.sha256(new byte[] {7});
    private final NodeKey a = NodeKey.generate();
    private final NodeKey b = NodeKey.generate();
    private final Set<NodeId> members = Set.of(a.id(), b.id());
    private final ScheduledExecutorService timer = Threads.single("timer");
    private final LinkedBlockingQueue<LanDiscovery.Heard> heardByA = new LinkedBlockingQueue<>();
    private LanDiscovery listener;
    private LanDiscovery announcer;

    @AfterEach
    void stop() {
        if (announcer != null) {
            announcer.close();
        }
        if (listener != null) {
            listener.close();
        }
        timer.shutdownNow();
    }

    private LanDiscovery discovery(
            NodeKey key, int peerPort, List<InetSocketAddress> to, LinkedBlockingQueue<LanDiscovery.Heard> sink) {
        LanDiscovery d = new LanDiscovery(
                new LanDiscovery.Options(0, Duration.ofSeconds(30), to),
                key,
                network,
                "127.0.0.1",
                peerPort,
                members::contains,
                sink::add,
                timer,
                Clock.systemUTC());
        d.start();
        assertThat(d.localPort()).isPositive();
        return d;
    }

    private InetSocketAddress listenerAddress() {
        return new InetSocketAddress(InetAddress.getLoopbackAddress(), listener.localPort());
    }

    @Test
    void aMemberStartingWithNoPeerIsHeardAtItsSourceAddressAndPeerPort() throws Exception {
        listener = discovery(a, 8001, List.of(), heardByA);
        announcer = discovery(b, 8002, List.of(listenerAddress()), new LinkedBlockingQueue<>());
        LanDiscovery.Heard heard = heardByA.poll(LIMIT.toSeconds(), TimeUnit.SECONDS);
        assertThat(heard).isNotNull();
        assertThat(heard.node()).isEqualTo(b.id());
        assertThat(heard.address()).isEqualTo(new InetSocketAddress(InetAddress.getLoopbackAddress(), 8002));
        // announcing again (the 30 s round, here by hand) is heard again, as a newer announcement
        Thread.sleep(2);
        timer.execute(announcer::announce);
        assertThat(heardByA.poll(LIMIT.toSeconds(), TimeUnit.SECONDS)).isEqualTo(heard);
    }

    @Test
    void forgedStrangersOwnAndForeignDatagramsReachNothing() throws Exception {
        listener = discovery(a, 8001, List.of(), heardByA);
        byte[] tag = Announcements.networkHash(network);
        byte[] instance = new byte[Announcements.INSTANCE_LENGTH];
        long now = System.currentTimeMillis();
        byte[] forged = Announcements.encode(b, tag, 8002, now, instance);
        forged[forged.length - 1] ^= 1;
        try (DatagramSocket s = new DatagramSocket(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0))) {
            send(s, forged);
            send(s, Announcements.encode(NodeKey.generate(), tag, 8003, now, instance));
            send(s, Announcements.encode(a, tag, 8001, now, instance));
            send(
                    s,
                    Announcements.encode(
                            b, Announcements.networkHash(Hash.sha256(new byte[] {8})), 8002, now, instance));
            send(s, Announcements.encode(b, tag, 8002, now - ReceiveRules.FRESH_MS - 60_000, instance));
            send(s, "hello".getBytes(java.nio.charset.StandardCharsets.US_ASCII));
            await().atMost(LIMIT)
                    .until(() -> listener.count(Verdict.FORGED) == 1
                            && listener.count(Verdict.NOT_MEMBER) == 1
                            && listener.count(Verdict.OWN) == 1
                            && listener.count(Verdict.OTHER_NETWORK) == 1
                            && listener.count(Verdict.STALE) == 1
                            && listener.count(Verdict.NOT_DISCOVERY) == 1);
            // a flood from one source: a burst gets through the rate limit, the rest is dropped unparsed
            for (int i = 0; i < 50; i++) {
                send(s, forged);
            }
            await().atMost(LIMIT).until(() -> listener.count(Verdict.RATE_LIMITED) >= 40);
            // and after all that, a real announcement from another source is still heard
            try (DatagramSocket other =
                    new DatagramSocket(new InetSocketAddress(InetAddress.getByName("127.0.0.2"), 0))) {
                send(other, Announcements.encode(b, tag, 8002, now, instance));
            }
            LanDiscovery.Heard heard = heardByA.poll(LIMIT.toSeconds(), TimeUnit.SECONDS);
            assertThat(heard).isNotNull();
            assertThat(heard.address().getPort()).isEqualTo(8002);
        }
        assertThat(heardByA).isEmpty();
    }

    private void send(DatagramSocket s, byte[] datagram) throws Exception {
        s.send(new DatagramPacket(datagram, datagram.length, listenerAddress()));
    }
}

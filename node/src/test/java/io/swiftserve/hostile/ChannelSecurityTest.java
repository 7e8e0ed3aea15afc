package io.swiftserve.hostile;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.google.protobuf.ByteString;
import io.swiftserve.chain.Hash;
import io.swiftserve.chain.InviteToken;
import io.swiftserve.cluster.LogCapture;
import io.swiftserve.cluster.NodeFiles;
import io.swiftserve.cluster.TestFiles;
import io.swiftserve.daemon.Node;
import io.swiftserve.daemon.NodeConfig;
import io.swiftserve.daemon.NodeInit;
import io.swiftserve.gossip.JoinClient;
import io.swiftserve.net.Admission;
import io.swiftserve.net.ConnectionGuard;
import io.swiftserve.net.HandshakeRefusedException;
import io.swiftserve.net.LocalPeer;
import io.swiftserve.net.MessageRouter;
import io.swiftserve.net.PeerNetwork;
import io.swiftserve.net.PeerSession;
import io.swiftserve.net.SessionListener;
import io.swiftserve.net.Transport;
import io.swiftserve.proto.Envelope;
import io.swiftserve.proto.HaveBitmap;
import io.swiftserve.proto.Ping;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * A host on the LAN path between two members (issue 15, item 7): it records, injects, or terminates
 * TLS itself. Node A founds the network; node B joins and talks to A only through the relay under
 * test (both advertise an unroutable 127.0.0.9, so neither can dial the other around it).
 */
@Timeout(value = 120, unit = TimeUnit.SECONDS)
class ChannelSecurityTest {
    private static final byte[] MARKER =
            "SWIFTSERVE-MARKER-7f3a9c-secret-file-content".getBytes(StandardCharsets.US_ASCII);

    @TempDir
    Path dir;

    private final List<AutoCloseable> open = new ArrayList<>();

    @AfterEach
    void closeAll() throws Exception {
        for (int i = open.size() - 1; i >= 0; i--) {
            open.get(i).close();
        }
    }

    private <T extends AutoCloseable> T keep(T c) {
        open.add(c);
        return c;
    }

    private Node start(String name, Transport transport, String joinToken) throws Exception {
        Path data = dir.resolve(name);
        if (joinToken == null) {
            NodeInit.found(data, "channel-test", Clock.systemUTC());
        }
        Node node = new Node(
                new NodeConfig(
                        data,
                        "127.0.0.9",
                        "127.0.0.1",
                        0,
                        joinToken,
                        List.of(),
                        null,
                        "127.0.0.1",
                        -1,
                        null,
                        io.swiftserve.admin.StatusAccess.Options.DEFAULT,
                        List.of(),
                        transport,
                        null,
                        null),
                Clock.systemUTC());
        keep(node);
        node.start();
        return node;
    }

    private static String inviteVia(Node inviter, String address) {
        return InviteToken.create(
                        inviter.key(),
                        inviter.chain().networkId(),
                        Duration.ofMinutes(10),
                        List.of(address),
                        Clock.systemUTC())
                .format();
    }

    private static PeerSession sessionTo(Node n, Node other) {
        return n.network()
                .session(other.key().id())
                .filter(PeerSession::isMember)
                .orElse(null);
    }

    /** A file with the marker at its start and every 256 KiB, random bytes between. */
    private Path markedFile(long size) throws Exception {
        byte[] data = new byte[(int) size];
        new Random(7).nextBytes(data);
        for (int at = 0; at + MARKER.length < data.length; at += 256 << 10) {
            System.arraycopy(MARKER, 0, data, at, MARKER.length);
        }
        Path f = dir.resolve("marked.bin");
        Files.write(f, data);
        return f;
    }

    private record Transferred(byte[] file, byte[] captured) {}

    /** A and B through a tap relay; A adds the marked file and B fetches it; returns the file and what the tap saw. */
    private Transferred transferThroughTap(Transport transport, TapRelay[] relayOut, Node[] nodesOut) throws Exception {
        Node a = start("a", transport, null);
        TapRelay tap = keep(new TapRelay(a.port()));
        Node b = start("b", transport, inviteVia(a, tap.address()));
        await("B connected to A through the tap")
                .atMost(Duration.ofSeconds(30))
                .until(() -> sessionTo(b, a) != null && sessionTo(a, b) != null);
        Path source = markedFile(3L * TestFiles.MIB);
        Hash fileId = NodeFiles.add(a, "marked.bin", source);
        NodeFiles.awaitComplete(List.of(a, b), fileId, Duration.ofSeconds(60));
        assertThat(Files.readAllBytes(NodeFiles.shared(b, "marked.bin"))).isEqualTo(Files.readAllBytes(source));
        relayOut[0] = tap;
        nodesOut[0] = a;
        nodesOut[1] = b;
        return new Transferred(Files.readAllBytes(source), tap.captured());
    }

    @Test
    void aLanObserverReadsNoByteOfAFileSentOverTls() throws Exception {
        Transferred t = transferThroughTap(Transport.TLS, new TapRelay[1], new Node[2]);
        int leaked = leakedSlices(t);
        System.out.printf(
                "[ChannelSecurityTest] TLS: tap relayed %d bytes for a %d-byte file; marker seen: %s; 64-byte file slices seen: %d of %d%n",
                t.captured().length,
                t.file().length,
                indexOf(t.captured(), MARKER) >= 0,
                leaked,
                t.file().length / 4096);
        assertThat(t.captured().length).as("the file went through the tap").isGreaterThan(t.file().length);
        assertThat(indexOf(t.captured(), MARKER)).as("marker in the capture").isEqualTo(-1);
        assertThat(leaked).as("file slices in the capture").isZero();
    }

    @Test
    void withCleartextChosenTheSameObserverReadsTheFile() throws Exception {
        Transferred t = transferThroughTap(Transport.CLEARTEXT, new TapRelay[1], new Node[2]);
        int leaked = leakedSlices(t);
        System.out.printf(
                "[ChannelSecurityTest] cleartext (explicit): marker seen: %s; 64-byte file slices seen: %d of %d%n",
                indexOf(t.captured(), MARKER) >= 0, leaked, t.file().length / 4096);
        assertThat(indexOf(t.captured(), MARKER)).as("marker in the capture").isNotEqualTo(-1);
        assertThat(leaked).isEqualTo(t.file().length / 4096);
    }

    /** Of one 64-byte slice every 4 KiB of the file, how many appear in the capture. */
    private static int leakedSlices(Transferred t) {
        String captured = new String(t.captured(), StandardCharsets.ISO_8859_1);
        int found = 0;
        for (int at = 0; at + 64 <= t.file().length; at += 4096) {
            if (captured.contains(
                    new String(t.file(), at + 100 < t.file().length ? at : at, 64, StandardCharsets.ISO_8859_1))) {
                found++;
            }
        }
        return found;
    }

    private static byte[] frame(Envelope e) {
        return RawPeer.frame(e);
    }

    @Test
    void aFrameInjectedIntoATlsSessionClosesItInsteadOfBeingActedOn() throws Exception {
        TapRelay[] tap = new TapRelay[1];
        Node[] nodes = new Node[2];
        transferThroughTap(Transport.TLS, tap, nodes);
        PeerSession before = sessionTo(nodes[0], nodes[1]);
        assertThat(before).isNotNull();
        byte[] injected = frame(Envelope.newBuilder()
                .setHaveBitmap(HaveBitmap.newBuilder()
                        .setFileId(ByteString.copyFrom(new byte[32]))
                        .setChunks(8)
                        .setBitmap(ByteString.copyFrom(new byte[] {-1})))
                .build());
        try (LogCapture guard = LogCapture.of(ConnectionGuard.class)) {
            tap[0].injectTowardsListener(injected);
            await("A closes the session the frame was injected into")
                    .atMost(Duration.ofSeconds(10))
                    .until(() -> !before.isOpen());
            await().atMost(Duration.ofSeconds(5))
                    .until(() -> guard.lines().stream().anyMatch(l -> l.contains("TLS error")));
            System.out.printf(
                    "[ChannelSecurityTest] TLS: injected a valid cleartext HaveBitmap frame (%d bytes) between two records"
                            + " towards A: A closed the session; its log: %s%n",
                    injected.length,
                    guard.lines().stream()
                            .filter(l -> l.contains("TLS error"))
                            .findFirst()
                            .orElse(""));
        }
    }

    @Test
    void withCleartextChosenAnInjectedFrameIsActedOn() throws Exception {
        TapRelay[] tap = new TapRelay[1];
        Node[] nodes = new Node[2];
        transferThroughTap(Transport.CLEARTEXT, tap, nodes);
        PeerSession before = sessionTo(nodes[0], nodes[1]);
        int capturedBefore = tap[0].captured().length;
        tap[0].injectTowardsListener(frame(Envelope.newBuilder()
                .setPing(Ping.newBuilder().setNonce(0x5EC0DE))
                .build()));
        byte[] pong = frame(Envelope.newBuilder()
                .setPong(io.swiftserve.proto.Pong.newBuilder().setNonce(0x5EC0DE))
                .build());
        await("A answers the injected Ping")
                .atMost(Duration.ofSeconds(10))
                .until(() -> indexOf(tap[0].captured(), pong) >= 0);
        assertThat(before.isOpen()).as("session kept").isTrue();
        System.out.printf(
                "[ChannelSecurityTest] cleartext (explicit): injected Ping answered with a Pong, session kept (%d bytes seen before)%n",
                capturedBefore);
    }

    @Test
    void aRelayThatTerminatesTlsWithItsOwnCertificatesFailsTheAuthCheck() throws Exception {
        Node a = start("a", Transport.TLS, null);
        Node b = start("b", Transport.TLS, inviteVia(a, "127.0.0.1:" + a.port()));
        await().atMost(Duration.ofSeconds(30)).until(() -> sessionTo(a, b) != null);
        Path bData = b.config().dataDir();
        io.swiftserve.identity.NodeKey bKey = b.key();
        b.close();
        await().atMost(Duration.ofSeconds(10)).until(() -> sessionTo(a, b) == null);
        TlsMitm mitm = keep(new TlsMitm(a.port()));
        // B's member key dials A through the relay, with the node's own network code
        try (LogCapture handshake = LogCapture.of(Class.forName("io.swiftserve.net.HandshakeHandler"));
                PeerNetwork dialer = new PeerNetwork(
                        new LocalPeer(bKey, a.chain().networkId(), "127.0.0.9", 1),
                        (peer, token) -> Admission.member(),
                        new MessageRouter(),
                        SessionListener.NONE,
                        Transport.TLS)) {
            Throwable failure = null;
            try {
                dialer.connect(new InetSocketAddress("127.0.0.1", mitm.port()), null)
                        .get(20, TimeUnit.SECONDS);
            } catch (ExecutionException e) {
                failure = e.getCause();
            }
            System.out.printf(
                    "[ChannelSecurityTest] member key dialled A through a TLS-terminating relay (%d plaintext bytes relayed):"
                            + " %s; A's log: %s%n",
                    mitm.plaintextRelayed.get(),
                    failure,
                    handshake.lines().stream()
                            .filter(l -> l.contains("refused"))
                            .toList());
            assertThat(failure).as("session through the relay").isInstanceOf(HandshakeRefusedException.class);
            assertThat(failure.getMessage()).contains("key proof");
            assertThat(mitm.plaintextRelayed.get())
                    .as("both TLS handshakes completed: the relay saw the Hellos")
                    .isPositive();
            assertThat(a.network().session(bKey.id())).isEmpty();
        }
        assertThat(bData).exists();
    }

    @Test
    void aTlsNodeAndACleartextNodeRefuseEachOtherWithAReason() throws Exception {
        Node tls = start("tls", Transport.TLS, null);
        Node clear = start("clear", Transport.CLEARTEXT, null);
        try (LogCapture unify = LogCapture.of(Class.forName("io.swiftserve.net.PortUnification"));
                LogCapture required = LogCapture.of(Class.forName("io.swiftserve.net.TlsRequiredHandler"))) {
            // a cleartext joiner at a TLS inviter, and a TLS joiner at a cleartext inviter
            Throwable toTls = joinFailure("j1", Transport.CLEARTEXT, inviteVia(tls, "127.0.0.1:" + tls.port()));
            Throwable toClear = joinFailure("j2", Transport.TLS, inviteVia(clear, "127.0.0.1:" + clear.port()));
            System.out.printf(
                    "[ChannelSecurityTest] cleartext joiner -> TLS node: '%s'; its log: %s%n",
                    toTls.getMessage(), required.lines());
            System.out.printf(
                    "[ChannelSecurityTest] TLS joiner -> cleartext node: '%s'; its log: %s%n",
                    toClear.getMessage(), unify.lines());
            assertThat(toTls.getMessage()).contains("requires TLS");
            assertThat(toClear.getMessage()).contains("runs --transport cleartext");
            assertThat(required.lines()).anyMatch(l -> l.contains("requires TLS"));
            assertThat(unify.lines())
                    .anyMatch(l -> l.contains("it speaks TLS and this node runs --transport cleartext"));
        }
    }

    @Test
    void aCleartextClientOfATlsNodeGetsPongForPingAndAReasonForAnythingElse() throws Exception {
        Node a = start("a", Transport.TLS, null);
        try (RawPeer nc = RawPeer.connectCleartext(a.port())) {
            nc.send(Envelope.newBuilder().setPing(Ping.newBuilder().setNonce(7)).build());
            Envelope pong = nc.poll(Envelope.BodyCase.PONG, Duration.ofSeconds(10));
            Envelope refusal = nc.handshake(
                    io.swiftserve.identity.NodeKey.generate(), a.chain().networkId(), null);
            System.out.printf(
                    "[ChannelSecurityTest] cleartext to a TLS node: Ping -> %s; Hello -> %s%n",
                    pong == null ? "nothing" : "Pong " + pong.getPong().getNonce(),
                    refusal == null
                            ? "nothing"
                            : "ErrorReply " + refusal.getError().getCode() + " '"
                                    + refusal.getError().getMessage() + "'");
            assertThat(pong).isNotNull();
            assertThat(pong.getPong().getNonce()).isEqualTo(7);
            assertThat(refusal).isNotNull();
            assertThat(refusal.getError().getCode()).isEqualTo(io.swiftserve.net.ErrorCode.TRANSPORT_MISMATCH.wire());
            assertThat(refusal.getError().getMessage()).contains("requires TLS").contains("proto call");
            assertThat(nc.awaitClosed(Duration.ofSeconds(5))).isTrue();
        }
    }

    private Throwable joinFailure(String name, Transport transport, String token) {
        try {
            start(name, transport, token);
        } catch (JoinClient.JoinException e) {
            return e;
        } catch (Exception e) {
            throw new AssertionError("expected a join failure, got " + e, e);
        }
        throw new AssertionError(name + " joined across transports");
    }

    static int indexOf(byte[] haystack, byte[] needle) {
        return new String(haystack, StandardCharsets.ISO_8859_1)
                .indexOf(new String(needle, StandardCharsets.ISO_8859_1));
    }
}

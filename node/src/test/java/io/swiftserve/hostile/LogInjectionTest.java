package io.swiftserve.hostile;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.google.protobuf.ByteString;
import io.swiftserve.chain.Hash;
import io.swiftserve.cluster.LogCapture;
import io.swiftserve.cluster.TestCluster;
import io.swiftserve.daemon.Node;
import io.swiftserve.identity.NodeKey;
import io.swiftserve.net.Envelopes;
import io.swiftserve.net.ErrorCode;
import io.swiftserve.net.Wire;
import io.swiftserve.proto.Envelope;
import io.swiftserve.proto.Hello;
import io.swiftserve.util.LogText;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AutoClose;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * A stranger and a member put log-forging text where the node logs what peers say: an ErrorReply
 * before the handshake, an ErrorReply in an established session, and a Hello whose agent and listen
 * host carry the same text. Every event stays one log line, with no raw control character in it.
 */
@Timeout(value = 120, unit = TimeUnit.SECONDS)
class LogInjectionTest {
    /** A newline and a fake next line, ANSI "erase line, cursor up", NEL, LINE SEPARATOR and a bidi override. */
    static final String FORGED =
            "bye\n2026-01-01 00:00:00.000 INFO  Node  forged line: admin granted\u001b[2K\u001b[1A\r"
                    + "\u0085x\u2028y\u202egnp.exe";

    private static final String MARK = "forged line";

    @TempDir
    Path dir;

    @AutoClose
    private TestCluster cluster;

    @Test
    void peerTextIsEscapedAndEachEventIsOneLogLine() throws Exception {
        cluster = TestCluster.converged(dir.resolve("cluster"), 1);
        Node target = cluster.node(0);
        NodeKey member = cluster.node(1).key(); // its node is stopped: a raw client holds a member session with its key
        cluster.stop(1);
        Hash net = target.chain().networkId();

        try (LogCapture log = LogCapture.of("io.swiftserve")) {
            // 1) a stranger: Hello with a forged agent and listen host, then an ErrorReply before the handshake ends
            try (RawPeer stranger = RawPeer.connect(target.port())) {
                stranger.send(Envelope.newBuilder()
                        .setHello(hello(NodeKey.generate(), net))
                        .build());
                stranger.send(Envelopes.error(ErrorCode.NOT_ALLOWED, FORGED));
                expectOneLine(log, 1, "stranger: Hello{agent, listen_host} + ErrorReply before the handshake");
            }
            // 2) a member: the same Hello fields in a successful handshake, then an ErrorReply in the session
            try (RawPeer session = RawPeer.connect(target.port())) {
                Envelope answer = session.handshake(
                        member,
                        net,
                        null,
                        h -> h.setAgent(FORGED).setListenHost(FORGED).setListenPort(9));
                assertThat(answer).isNotNull();
                assertThat(answer.hasAuth()).as("member admitted: %s", answer).isTrue();
                session.send(Envelopes.error(ErrorCode.NOT_ALLOWED, FORGED));
                expectOneLine(log, 2, "member: Hello{agent, listen_host} in the handshake + ErrorReply in the session");
            }
        }
    }

    /** The backstop: a call site that forgets to escape still writes one line through the shipped logback.xml pattern. */
    @Test
    void theShippedLogPatternWritesAnyMessageOnOneLine() {
        ch.qos.logback.classic.Logger root = (ch.qos.logback.classic.Logger) org.slf4j.LoggerFactory.getLogger("ROOT");
        var appender = (ch.qos.logback.core.OutputStreamAppender<ch.qos.logback.classic.spi.ILoggingEvent>)
                root.getAppender("STDOUT");
        assertThat(appender).as("logback.xml's STDOUT appender").isNotNull();
        var event = new ch.qos.logback.classic.spi.LoggingEvent(
                LogInjectionTest.class.getName(),
                root,
                ch.qos.logback.classic.Level.INFO,
                "peer says: {}",
                null,
                new Object[] {FORGED});
        String written = new String(appender.getEncoder().encode(event), java.nio.charset.StandardCharsets.UTF_8);
        System.out.printf("[LogInjectionTest] unescaped argument through logback.xml -> %s", written);
        assertThat(written).endsWith(System.lineSeparator());
        assertOneCleanLine(
                written.substring(0, written.length() - System.lineSeparator().length()));
        assertThat(written).contains("bye\\n2026-01-01").contains("\\x1b[2K").contains("\\u202e");
    }

    private static Hello.Builder hello(NodeKey key, Hash net) {
        return Hello.newBuilder()
                .setMagic(Wire.MAGIC)
                .setProtocolVersion(Wire.PROTOCOL_VERSION)
                .setNetworkId(ByteString.copyFrom(net.bytes()))
                .setNodeKey(ByteString.copyFrom(key.id().bytes()))
                .setNonce(ByteString.copyFrom(new byte[32]))
                .setAgent(FORGED)
                .setListenHost(FORGED)
                .setListenPort(9);
    }

    /** Waits for the {@code n}th logged event that carries the forged text, then checks every line so far. */
    private static void expectOneLine(LogCapture log, int n, String tried) {
        await(tried + " logged")
                .atMost(Duration.ofSeconds(10))
                .pollInterval(Duration.ofMillis(20))
                .until(() -> log.containing(MARK).size() >= n);
        List<String> lines = log.lines();
        String event = log.containing(MARK).get(n - 1);
        System.out.printf("[LogInjectionTest] %s%n    -> logged: %s%n", tried, event);
        assertThat(lines).as("log events after: %s", tried).allSatisfy(LogInjectionTest::assertOneCleanLine);
        assertThat(log.containing(MARK))
                .as("events naming the forged text after: %s", tried)
                .hasSize(n);
        assertThat(event)
                .as("the event keeps the peer's text, escaped")
                .contains("bye\\n2026-01-01")
                .contains("\\x1b[2K");
    }

    private static void assertOneCleanLine(String line) {
        assertThat(line.lines().count()).as("one line: %s", line).isLessThanOrEqualTo(1);
        assertThat(line.codePoints().filter(LogInjectionTest::isRawControl).toArray())
                .as("raw control characters in: %s", LogText.escape(line))
                .isEmpty();
    }

    private static boolean isRawControl(int cp) {
        int type = Character.getType(cp);
        return type == Character.CONTROL
                || type == Character.FORMAT
                || type == Character.LINE_SEPARATOR
                || type == Character.PARAGRAPH_SEPARATOR;
    }
}

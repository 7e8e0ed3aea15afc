package io.swiftserve.tools;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import io.swiftserve.cluster.Checkout;
import io.swiftserve.cluster.Processes;
import io.swiftserve.daemon.Node;
import io.swiftserve.daemon.NodeConfig;
import io.swiftserve.daemon.NodeInit;
import io.swiftserve.proto.Envelope;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * The README's netcat round trip, exactly: {@code swiftserve proto encode 'ping { nonce: 7 }' | nc -q1
 * 127.0.0.1 PORT | swiftserve proto decode} through bash, the real launcher (scripts/swiftserve) and
 * the built jar, against a live node. Runs under failsafe, after {@code package} built the jar.
 */
@Timeout(value = 120, unit = TimeUnit.SECONDS)
class NetcatRoundTripIT {
    private static final Duration PIPELINE_LIMIT = Duration.ofSeconds(60);

    @TempDir
    static Path jarDir;

    private static Path jar;
    private static Path launcher;

    @TempDir
    Path dir;

    private Node node;

    @BeforeAll
    static void toolsAndJar() throws Exception {
        assumeTrue(
                Processes.onPath("nc").isPresent(),
                "netcat is not installed (scripts/install-test-tools.sh installs netcat-openbsd)");
        jar = Checkout.copyOfTheJar(jarDir);
        launcher = Checkout.scripts().resolve("swiftserve");
    }

    @AfterEach
    void stopNode() {
        if (node != null) {
            node.close();
        }
    }

    @Test
    void pingThroughNetcatComesBackAsPong() throws Exception {
        Path data = dir.resolve("node");
        NodeInit.found(data, "netcat", Clock.systemUTC());
        node = new Node(NodeConfig.local(data).withPort(0).withStatus("127.0.0.1", -1), Clock.systemUTC());
        node.start();
        // warm the node's connection path first: nc -q1 gives the answer one second after its input ends
        try (ProtoClient warm = ProtoClient.connect("127.0.0.1", node.port(), Duration.ofSeconds(5), false, l -> {})) {
            warm.send(Frames.parse("ping { nonce: 1 }"));
            Envelope pong = warm.receive(Duration.ofSeconds(10));
            assertThat(pong).isNotNull();
            assertThat(pong.getPong().getNonce()).isEqualTo(1);
        }

        // "swiftserve" on PATH is the real launcher, as after install.sh
        Path bin = Files.createDirectories(dir.resolve("bin"));
        Path link = Files.createSymbolicLink(bin.resolve("swiftserve"), launcher);
        String pipeline = "swiftserve proto encode 'ping { nonce: 7 }' | nc -q1 127.0.0.1 " + node.port()
                + " | swiftserve proto decode";
        ProcessBuilder pb = new ProcessBuilder("bash", "-o", "pipefail", "-c", pipeline)
                .redirectOutput(dir.resolve("out").toFile())
                .redirectError(dir.resolve("err").toFile());
        pb.environment().put("PATH", bin + ":" + System.getenv("PATH"));
        pb.environment().put("SWIFTSERVE_JAR", jar.toString());
        pb.environment().put("SWIFTSERVE_JAVA_OPTS", "-XX:TieredStopAtLevel=1 -Xmx128m");
        Process p = pb.start();
        try {
            assertThat(p.waitFor(PIPELINE_LIMIT.toSeconds(), TimeUnit.SECONDS))
                    .as("the pipeline finished within %s", PIPELINE_LIMIT)
                    .isTrue();
        } finally {
            p.descendants().forEach(ProcessHandle::destroyForcibly);
            p.destroyForcibly();
            Files.delete(link);
        }
        String out = Files.readString(dir.resolve("out"), StandardCharsets.UTF_8);
        String err = Files.readString(dir.resolve("err"), StandardCharsets.UTF_8);
        assertThat(p.exitValue())
                .as("exit code of %s%nstdout: %s%nstderr: %s", pipeline, out, err)
                .isZero();
        assertThat(out).as("stdout of %s (stderr: %s)", pipeline, err).isEqualTo("pong { nonce: 7 }\n");
        assertThat(err).isEmpty();
    }
}

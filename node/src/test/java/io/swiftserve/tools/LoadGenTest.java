package io.swiftserve.tools;

import static org.assertj.core.api.Assertions.assertThat;

import io.swiftserve.daemon.Node;
import io.swiftserve.daemon.NodeConfig;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * The fleet load benchmark at a tiny size: a data dir prepared offline with 4 members and 20 complete
 * versions, a real node on it, and 4 load peers that must all get in, be told of every version and
 * be served chunks. The node runs in this JVM, so no CPU or memory figures: the script measures those.
 */
@Timeout(60)
class LoadGenTest {
    @TempDir
    Path dir;

    @Test
    void fourMembersAreServedChunksOfTwentyResidentFiles() throws Exception {
        Path data = dir.resolve("daemon");
        FleetPlan plan = FleetSetup.prepare(data, 4, 20, 4096);
        Path planFile = dir.resolve("plan.txt");
        plan.write(planFile);
        assertThat(FleetPlan.read(planFile).files()).hasSize(20);

        Node node = new Node(NodeConfig.local(data).withPort(0), Clock.systemUTC());
        try {
            node.start();
            ByteArrayOutputStream text = new ByteArrayOutputStream();
            LoadGen.Result r = LoadGen.run(
                    new LoadGen.Options(
                            planFile,
                            "127.0.0.1",
                            node.port(),
                            4,
                            Duration.ofSeconds(1),
                            Duration.ofSeconds(2),
                            4,
                            0,
                            Duration.ZERO,
                            5),
                    new PrintStream(text, true, StandardCharsets.UTF_8));

            String report = text.toString(StandardCharsets.UTF_8);
            assertThat(r.connected()).as(report).isEqualTo(4);
            assertThat(r.failed()).as(report).isZero();
            assertThat(r.announcedComplete())
                    .as("every peer told of all 20 versions")
                    .isEqualTo(4 * 20);
            assertThat(r.chunks()).as(report).isPositive();
            assertThat(r.rejects()).as(report).isZero();
            assertThat(r.chunkBytes()).isEqualTo(r.chunks() * 4096);
            // each served chunk is announced back, after the bitmap its request followed
            assertThat(r.haves()).isGreaterThanOrEqualTo(r.chunks());
            assertThat(report).contains("4 of 4 peers connected");
        } finally {
            node.close();
        }
    }
}

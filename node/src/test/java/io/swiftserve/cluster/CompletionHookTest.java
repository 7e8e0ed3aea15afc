package io.swiftserve.cluster;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.swiftserve.chain.Hash;
import io.swiftserve.daemon.Node;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AutoClose;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/** {@code --on-complete}: runs once per completed version, with what it is, and never holds up a transfer. */
@Timeout(value = 120, unit = TimeUnit.SECONDS)
class CompletionHookTest {
    @TempDir
    Path dir;

    @AutoClose
    private TestCluster cluster;

    @AutoClose
    private LogCapture logs = LogCapture.of("io.swiftserve.daemon.CompletionHook");

    @Test
    void theHookSeesEachVersionInOrderAndASlowHookDelaysNoTransfer() throws Exception {
        // the first run waits until the test releases it: transfers must go on meanwhile
        String hook = "echo \"$SWIFTSERVE_PATH $SWIFTSERVE_VERSION $SWIFTSERVE_FILE_ID $SWIFTSERVE_SIZE"
                + " $(sha256sum < \"$SWIFTSERVE_FILE\" | cut -c1-64)\" >> ran.txt;"
                + " while [ ! -f release ]; do sleep 0.05; done; exit 3";
        cluster = TestCluster.converged(dir, 1, c -> c.withOnComplete(hook));
        Node founder = cluster.node(0);
        Node member = cluster.node(1);
        Path memberDir = cluster.dataDir(1);

        byte[] first = TestFiles.randomBytes(3 << 20, 1);
        byte[] second = TestFiles.randomBytes(1 << 20, 2);
        Hash a = NodeFiles.add(founder, "models/a.bin", first);
        NodeFiles.awaitComplete(List.of(member), a, Duration.ofSeconds(30));
        Hash b = NodeFiles.add(founder, "models/b.bin", second);
        NodeFiles.awaitComplete(List.of(member), b, Duration.ofSeconds(30));

        Path ran = memberDir.resolve("ran.txt");
        await("the first hook run started").atMost(Duration.ofSeconds(10)).until(() -> Files.exists(ran));
        assertThat(Files.readAllLines(ran))
                .as("one run at a time: the second waits")
                .hasSize(1);

        Files.writeString(memberDir.resolve("release"), "");
        await("both runs")
                .atMost(Duration.ofSeconds(20))
                .until(() -> Files.readAllLines(ran).size() == 2);
        assertThat(Files.readAllLines(ran))
                .containsExactly(
                        "models/a.bin 1 " + a + " " + first.length + " " + TestFiles.sha256(first),
                        "models/b.bin 1 " + b + " " + second.length + " " + TestFiles.sha256(second));
        await("exit statuses logged")
                .atMost(Duration.ofSeconds(10))
                .until(() -> logs.lines().stream()
                                .filter(l -> l.contains("exited 3"))
                                .count()
                        == 2);
        assertThat(logs.lines())
                .anySatisfy(l -> assertThat(l).contains("on-complete hook for models/a.bin v1 exited 3"));
        // the publishing node holds a complete version too: its hook runs the same way
        Path founderRan = cluster.dataDir(0).resolve("ran.txt");
        Files.writeString(cluster.dataDir(0).resolve("release"), "");
        await("the publisher's runs")
                .atMost(Duration.ofSeconds(20))
                .until(() -> Files.exists(founderRan)
                        && Files.readAllLines(founderRan).size() == 2);
        assertThat(Files.readAllLines(founderRan)).isEqualTo(Files.readAllLines(ran));
    }
}

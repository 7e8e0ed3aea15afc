package io.swiftserve.transfer;

import static org.assertj.core.api.Assertions.assertThat;

import io.swiftserve.chain.Hash;
import io.swiftserve.cluster.NodeFiles;
import io.swiftserve.cluster.TestCluster;
import io.swiftserve.cluster.TestFiles;
import io.swiftserve.daemon.Node;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * A new version's manifest reaches the members before its block: the publisher pushes it to every
 * member peer before the FileAdd goes to be sealed, so nobody has to ask (each ask was a round trip
 * through busy event loops before the download could start). A member that missed the push asks.
 */
@Timeout(value = 120, unit = TimeUnit.SECONDS)
class ManifestFromPublisherTest {
    @TempDir
    Path dir;

    private TestCluster cluster;

    @AfterEach
    void tearDown() {
        if (cluster != null) {
            cluster.close();
        }
    }

    @Test
    void everyConnectedMemberHasANewManifestWithoutAsking() throws Exception {
        cluster = TestCluster.converged(dir, 4);
        Node publisher = cluster.node(0);
        Path source = dir.resolve("new.bin");
        String sha = TestFiles.writeRandom(source, TestFiles.MIB + 7, 3);

        Hash id = NodeFiles.add(publisher, "new.bin", source);
        NodeFiles.awaitComplete(cluster.running(), id, Duration.ofSeconds(60));

        for (Node n : cluster.running()) {
            NodeFiles.assertHolds(n, "new.bin", sha);
            assertThat(n.transfer().manifestAsks())
                    .as("GetManifest messages sent by %s", n)
                    .isZero();
        }
    }

    @Test
    void aMemberThatMissedThePushAsksForIt() throws Exception {
        cluster = TestCluster.converged(dir, 4);
        Node publisher = cluster.node(0);
        cluster.stop(4);
        Path source = dir.resolve("late.bin");
        String sha = TestFiles.writeRandom(source, TestFiles.MIB + 11, 5);
        Hash id = NodeFiles.add(publisher, "late.bin", source);
        NodeFiles.awaitComplete(cluster.running(), id, Duration.ofSeconds(60));

        Node late = cluster.restart(4);
        NodeFiles.awaitComplete(List.of(late), id, Duration.ofSeconds(60));
        NodeFiles.assertHolds(late, "late.bin", sha);
        // every other member holds it by now: the first one asked answers
        assertThat(late.transfer().manifestAsks())
                .as("GetManifest messages sent by the late member")
                .isEqualTo(1);
    }
}

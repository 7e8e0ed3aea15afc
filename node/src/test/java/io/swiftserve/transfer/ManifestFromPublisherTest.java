package io.swiftserve.transfer;

import static org.assertj.core.api.Assertions.assertThat;

import io.swiftserve.chain.Hash;
import io.swiftserve.cluster.NodeFiles;
import io.swiftserve.cluster.TestCluster;
import io.swiftserve.cluster.TestFiles;
import io.swiftserve.daemon.Node;
import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * A new version's manifest is asked of its publisher first: while the block is new it is the one
 * member sure to hold it, and each "not held" from another member is a round trip more before the
 * download can start.
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
    void everyMemberGetsANewManifestWithItsFirstAsk() throws Exception {
        cluster = TestCluster.converged(dir, 4);
        Node publisher = cluster.node(0);
        Path source = dir.resolve("new.bin");
        String sha = TestFiles.writeRandom(source, TestFiles.MIB + 7, 3);

        Hash id = NodeFiles.add(publisher, "new.bin", source);
        NodeFiles.awaitComplete(cluster.running(), id, Duration.ofSeconds(60));

        long asks = 0;
        for (Node n : cluster.running()) {
            NodeFiles.assertHolds(n, "new.bin", sha);
            if (n != publisher) {
                asks += n.transfer().manifestAsks();
            }
        }
        // with a random member asked first, all four receivers finding the publisher at once was 1 in 256
        assertThat(asks).as("GetManifest messages sent by the 4 receivers").isEqualTo(4);
    }
}

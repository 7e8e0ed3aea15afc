package io.swiftserve.cluster;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.swiftserve.daemon.Node;
import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * Chains longer than one batch (256 blocks): a joiner downloads all of it from the inviter, and a
 * member that was down while hundreds of blocks were sealed catches up, each in pipelined batches.
 */
@Timeout(value = 180, unit = TimeUnit.SECONDS)
class LongChainSyncTest {
    private static final int BLOCKS = 600;

    @Test
    void aJoinerAndAReturningMemberCatchUpWithAChainOfSeveralBatches(@TempDir Path dir) throws Exception {
        try (TestCluster cluster = TestCluster.converged(dir.resolve("cluster"), 1)) {
            Node founder = cluster.node(0);
            cluster.stop(1);
            for (int i = 0; i < BLOCKS; i++) {
                cluster.sealFileAdd(founder, "many/" + i + ".bin", 0);
            }
            long height = founder.chain().height();
            assertThat(height).isGreaterThan(2L * 256);

            long t0 = System.nanoTime();
            Node joiner = cluster.join(1).get(0);
            double joinSeconds = (System.nanoTime() - t0) / 1e9;
            assertThat(joiner.chain().height())
                    .as("the joiner's chain right after its join")
                    .isGreaterThanOrEqualTo(height);

            long t1 = System.nanoTime();
            Node returning = cluster.restart(1);
            await("the returning member catches up")
                    .atMost(Duration.ofSeconds(60))
                    .pollInterval(Duration.ofMillis(50))
                    .until(() -> returning
                            .chain()
                            .head()
                            .hash()
                            .equals(founder.chain().head().hash()));
            double catchUpSeconds = (System.nanoTime() - t1) / 1e9;
            assertThat(returning.chain().state().files()).hasSize(BLOCKS);
            System.out.printf(
                    "[LongChainSyncTest] %d blocks: a joiner downloaded and verified them in %.2f s (join included), "
                            + "a returning member caught up in %.2f s (start included)%n",
                    height, joinSeconds, catchUpSeconds);
        }
    }
}

package io.swiftserve.transfer;

import static io.swiftserve.cluster.NodeFiles.add;
import static io.swiftserve.cluster.NodeFiles.assertHolds;
import static io.swiftserve.cluster.NodeFiles.awaitComplete;
import static io.swiftserve.cluster.SwarmControl.counters;
import static io.swiftserve.cluster.TestFiles.MIB;
import static io.swiftserve.cluster.TestFiles.writeRandom;
import static org.assertj.core.api.Assertions.assertThat;

import io.swiftserve.chain.Hash;
import io.swiftserve.cluster.LogCapture;
import io.swiftserve.cluster.TestCluster;
import io.swiftserve.daemon.Node;
import io.swiftserve.identity.NodeId;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AutoClose;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * A member that serves random bytes for every third chunk: the nodes fetching from it detect the bad
 * chunks by their hash, drop it from the file's swarm, fetch those chunks elsewhere (from the seed
 * and from each other) and still end with the right file. Nothing unverified is ever kept or passed on.
 */
@Timeout(value = 120, unit = TimeUnit.SECONDS)
class CorruptPeerTest {
    private static final String PATH = "corrupt/victim.bin";

    @TempDir
    Path dir;

    @AutoClose
    private TestCluster cluster;

    @Test
    void aLiarIsDroppedAndEveryOtherNodeStillGetsTheRightFile() throws Exception {
        cluster = TestCluster.converged(dir.resolve("cluster"), 3);
        Node seed = cluster.node(0);
        Node liar = cluster.node(1);
        liar.transfer().corruptChunks(i -> i % 3 == 0);
        NodeId liarId = liar.key().id();
        // the two victims are down while the liar fetches the file (honestly: the hook only changes what
        // it serves), so when they come back it holds every chunk and is asked for half of them
        cluster.stop(2);
        cluster.stop(3);

        Path source = dir.resolve("victim.bin");
        String sha = writeRandom(source, 32L * MIB, 3);
        Hash id = add(seed, PATH, source);
        awaitComplete(List.of(liar), id, Duration.ofSeconds(60));

        try (LogCapture swarmLog = LogCapture.of(Swarm.class)) {
            List<Node> victims = List.of(cluster.restart(2), cluster.restart(3));
            awaitComplete(victims, id, Duration.ofSeconds(90));

            System.out.printf(
                    "[CorruptPeerTest] liar %s serves random bytes for chunks i %% 3 == 0 of %s (%d chunks)%n%s",
                    liarId.shortId(),
                    PATH,
                    seed.chain().state().file(PATH).orElseThrow().chunkCount(),
                    counters(cluster.running()));

            for (Node n : cluster.running()) {
                assertHolds(n, PATH, sha);
            }
            long failed = 0;
            for (Node v : victims) {
                long f = v.transfer().stats().chunksFailed.get();
                failed += f;
                Download d = Downloads.of(v, id);
                System.out.printf(
                        "[CorruptPeerTest] victim %s: %d chunks failed verification, banned for this file: %s%n",
                        v.key().id().shortId(),
                        f,
                        d.banned().stream().map(NodeId::shortId).toList());
                if (f > 0) {
                    assertThat(d.banned())
                            .as("peers %s dropped from the swarm", v.key().id().shortId())
                            .containsExactly(liarId);
                } else {
                    assertThat(d.banned()).isEmpty();
                }
            }
            assertThat(failed)
                    .as("bad chunks detected by the nodes fetching from the liar")
                    .isPositive();
            assertThat(seed.transfer().stats().chunksFailed.get()).isZero();
            assertThat(liar.transfer().stats().chunksFailed.get()).isZero();

            List<String> lines = swarmLog.containing("failed verification");
            assertThat(lines)
                    .as("'failed verification' log lines")
                    .isNotEmpty()
                    .allSatisfy(l -> assertThat(l).contains("from " + liarId.shortId()));
            assertThat(lines).hasSize((int) failed);
        }
    }
}

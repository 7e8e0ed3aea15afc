package io.swiftserve.status;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.swiftserve.chain.Hash;
import io.swiftserve.cluster.InProcessCli;
import io.swiftserve.cluster.NodeFiles;
import io.swiftserve.cluster.TestCluster;
import io.swiftserve.cluster.TestFiles;
import io.swiftserve.daemon.Node;
import io.swiftserve.daemon.NodeInit;
import io.swiftserve.identity.NodeId;
import io.swiftserve.store.KeyValueStore;
import io.swiftserve.store.RocksDbStore;
import io.swiftserve.store.Segment;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AutoClose;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * A node that restarts still shows what an offline member last said it held, instead of nothing,
 * and its status page says the count is the last known one: peers' held counts are saved with the
 * bitmaps, and deleted with the file.
 */
@Timeout(value = 120, unit = TimeUnit.SECONDS)
class OfflineProgressAfterRestartTest {
    private static final String PATH = "progress/p.bin";

    @TempDir
    Path dir;

    @AutoClose
    private TestCluster cluster;

    @Test
    void anOfflineMembersLastKnownProgressSurvivesTheObserversRestartAndGoesWithTheFile() throws Exception {
        cluster = TestCluster.converged(dir.resolve("cluster"), 2);
        Node seed = cluster.node(0);
        List<Node> joined = cluster.joiners();
        NodeId offline = joined.get(1).key().id();
        Path source = dir.resolve("p.bin");
        TestFiles.writeRandom(source, 5L * TestFiles.MIB + 3, 17);
        Hash id = NodeFiles.add(seed, PATH, source);
        int chunks = seed.chain().state().file(PATH).orElseThrow().chunkCount();
        NodeFiles.awaitComplete(cluster.running(), id, Duration.ofSeconds(60));
        await("node 1 sees node 2 complete")
                .atMost(Duration.ofSeconds(30))
                .until(() -> heldBy(cluster.node(1), id, offline) == chunks);

        cluster.stop(2);
        cluster.stop(1);
        Node observer = cluster.restart(1);
        await("node 1 tracks the file again")
                .atMost(Duration.ofSeconds(30))
                .until(() -> observer.transfer().progress(id).isPresent());

        assertThat(observer.network().session(offline)).as("node 2 is offline").isEmpty();
        assertThat(heldBy(observer, id, offline))
                .as("node 2's last known count, seen by node 1 after its restart")
                .isEqualTo(chunks);
        HeadlessChromium chromium = HeadlessChromium.find(Files.createDirectories(dir.resolve("chromium")))
                .orElse(null);
        if (chromium != null) { // StatusPageTest reports a missing browser
            String dom = chromium.dumpDom(observer.statusUrl(), 5000);
            assertThat(dom)
                    .containsPattern("data-node-id=\"" + offline + "\" data-complete=\"true\">[^\n]*?"
                            + "complete \\(offline, last known\\)");
        }

        InProcessCli.Result rm =
                InProcessCli.run("rm", "--data", cluster.dataDir(0).toString(), PATH);
        assertThat(rm.exitCode()).as("rm: %s", rm.err()).isZero();
        await("node 1 drops the file")
                .atMost(Duration.ofSeconds(30))
                .until(() -> observer.transfer().progress(id).isEmpty());
        cluster.stop(1);
        AtomicInteger left = new AtomicInteger();
        try (KeyValueStore store = RocksDbStore.open(cluster.dataDir(1).resolve(NodeInit.DB_DIR))) {
            store.scan(Segment.PEER_HOLDS, id.bytes(), (k, v) -> left.incrementAndGet());
        }
        assertThat(left.get())
                .as("peers' counts of the deleted file still stored")
                .isZero();
    }

    private static int heldBy(Node observer, Hash fileId, NodeId peer) {
        return observer.transfer()
                .progress(fileId)
                .map(p -> p.peers().getOrDefault(peer, 0))
                .orElse(0);
    }
}

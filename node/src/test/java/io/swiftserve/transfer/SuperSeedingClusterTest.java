package io.swiftserve.transfer;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.google.protobuf.ByteString;
import io.swiftserve.chain.Hash;
import io.swiftserve.cluster.NodeFiles;
import io.swiftserve.cluster.TestCluster;
import io.swiftserve.cluster.TestFiles;
import io.swiftserve.daemon.Node;
import io.swiftserve.hostile.RawPeer;
import io.swiftserve.identity.NodeKey;
import io.swiftserve.proto.Envelope;
import io.swiftserve.proto.HaveBitmap;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.function.Predicate;
import org.junit.jupiter.api.AutoClose;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * A seed that adds a file super-seeds it: each peer first sees only a few chunks (with the true
 * count in {@code holds}, so progress displays stay right). A peer that takes none of what it was
 * shown gives it back after the stall limit, the other peer completes, and the seed then shows
 * everything to everyone.
 */
@Timeout(value = 120, unit = TimeUnit.SECONDS)
class SuperSeedingClusterTest {
    @TempDir
    Path dir;

    @AutoClose
    private TestCluster cluster;

    @Test
    void eachPeerSeesAFewChunksAndAStalledPeerCannotHoldTheOtherBack() throws Exception {
        cluster = TestCluster.converged(dir.resolve("cluster"), 2);
        Node seed = cluster.node(0);
        List<Node> joined = cluster.joiners();
        Node peer = joined.get(0);
        NodeKey stallerKey = joined.get(1).key();
        cluster.stop(2); // its key now drives a hand-made peer that never asks for anything

        try (RawPeer staller = RawPeer.connect(seed.port())) {
            assertThat(staller.handshake(stallerKey, seed.chain().networkId(), null)
                            .hasAuth())
                    .isTrue();
            await("the seed sees two member sessions")
                    .atMost(Duration.ofSeconds(10))
                    .until(() -> seed.network().sessions().stream()
                                    .filter(s -> s.isMember())
                                    .count()
                            == 2);
            Path source = dir.resolve("s.bin");
            String sha = TestFiles.writeRandom(source, 16L * TestFiles.MIB, 13);
            long t0 = System.nanoTime();
            Hash id = NodeFiles.add(seed, "super/s.bin", source);
            int chunks = seed.chain().state().file("super/s.bin").orElseThrow().chunkCount();
            Predicate<Envelope> bitmapOfIt =
                    e -> e.hasHaveBitmap() && e.getHaveBitmap().getFileId().equals(ByteString.copyFrom(id.bytes()));

            HaveBitmap first = staller.poll(bitmapOfIt, Duration.ofSeconds(10)).getHaveBitmap();
            int shown = ChunkBitmap.fromBytes(chunks, first.getBitmap().toByteArray())
                    .cardinality();
            assertThat(shown).as("chunks shown to one peer").isBetween(1, SuperSeed.SHOWN_PER_PEER);
            assertThat(first.getHolds())
                    .as("the true count, for progress displays")
                    .isEqualTo(chunks);

            await("the other peer's status shows the seed with every chunk")
                    .atMost(Duration.ofSeconds(10))
                    .until(() -> peer.transfer()
                            .progress(id)
                            .map(p -> p.peers().getOrDefault(seed.key().id(), 0) == chunks)
                            .orElse(false));

            NodeFiles.awaitComplete(List.of(peer), id, Duration.ofSeconds(60));
            double secs = (System.nanoTime() - t0) / 1e9;
            assertThat(TestFiles.sha256(NodeFiles.shared(peer, "super/s.bin"))).isEqualTo(sha);
            Envelope all = staller.poll(
                    e -> bitmapOfIt.test(e)
                            && ChunkBitmap.fromBytes(
                                            chunks,
                                            e.getHaveBitmap().getBitmap().toByteArray())
                                    .isComplete(),
                    Duration.ofSeconds(10));
            assertThat(all)
                    .as("the full bitmap once some peer holds every chunk")
                    .isNotNull();
            System.out.printf(
                    "[SuperSeedingClusterTest] %d chunks; the stalled peer was shown %d; the other peer completed in %.1f s "
                            + "(the stall limit is %d s)%n",
                    chunks, shown, secs, SuperSeed.STALL_NANOS / 1_000_000_000L);
        }
    }
}

package io.swiftserve.cluster;

import static io.swiftserve.cluster.NodeFiles.awaitComplete;
import static io.swiftserve.cluster.SwarmControl.counters;
import static io.swiftserve.cluster.SwarmControl.settledBytesDown;
import static io.swiftserve.cluster.TestFiles.randomBytes;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.swiftserve.chain.Hash;
import io.swiftserve.chain.Manifest;
import io.swiftserve.daemon.Node;
import io.swiftserve.identity.Sha256;
import io.swiftserve.transfer.ChunkLayout;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AutoClose;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * A new version of a tree moves only what changed: a file that grows near the start of the tree
 * re-cuts only its own pack of small files, and the large files after it keep their chunk hashes
 * (they start chunks of their own), so every node takes them from its copy of version 1.
 */
@Timeout(value = 120, unit = TimeUnit.SECONDS)
class TreeDeltaTest {
    private static final Duration ARRIVE = Duration.ofSeconds(60);
    private static final int C = ChunkLayout.MIN_CHUNK_SIZE;

    @TempDir
    Path dir;

    @AutoClose
    private TestCluster cluster;

    @Test
    void aFileThatGrowsEarlyInATreeCostsOnlyTheChunksItsPackSpans() throws Exception {
        cluster = TestCluster.converged(dir.resolve("cluster"), 2);
        Path src = dir.resolve("dataset");
        for (int i = 0; i < 12; i++) {
            write(src.resolve("a-notes/n" + i + ".txt"), 3000 + 997 * i, i);
        }
        write(src.resolve("b-models/m1.bin"), 5 * C + 4321, 100);
        write(src.resolve("b-models/m2.bin"), 3 * C + 17, 101);
        write(src.resolve("c-images/i.png"), 2 * C, 102);
        List<Node> all = cluster.running();
        List<Node> others = List.of(cluster.node(1), cluster.node(2));
        Hash v1 = NodeFiles.fileId(addTree(src));
        awaitComplete(all, v1, ARRIVE);
        Manifest m1 = manifest(cluster.node(0), "dataset");

        // the first file of the tree grows: every later byte moves, fixed-size chunks would all change
        Files.write(src.resolve("a-notes/n0.txt"), randomBytes(5000, 200), java.nio.file.StandardOpenOption.APPEND);
        long[] downBefore = settledBytesDown(others, ARRIVE);
        JsonNode second = addTree(src);
        Hash v2 = NodeFiles.fileId(second);
        awaitComplete(all, v2, ARRIVE);
        System.out.printf("[TreeDeltaTest] after version 2%n%s", counters(all));
        Manifest m2 = manifest(cluster.node(0), "dataset");

        long newBytes = newChunkBytes(m1, m2);
        // the publisher hashed only the chunks whose files changed: size and mtime stand for the rest
        assertThat(second.path("bytesHashed").asLong()).isEqualTo(newBytes);
        assertThat(newBytes)
                .as("bytes of version 2's chunks that version 1 lacks")
                .isPositive()
                .isLessThan(m2.size() / 10);
        for (int i = 0; i < others.size(); i++) {
            Node n = others.get(i);
            long fromPeers = n.transfer().stats().bytesDown.get() - downBefore[i];
            assertThat(fromPeers)
                    .as("chunk bytes node %d received for a tree of %d bytes", i + 1, m2.size())
                    .isLessThanOrEqualTo((long) (1.1 * newBytes));
            TreeClusterTest.assertSameTree(src, NodeFiles.shared(n, "dataset"));
        }
    }

    private static long newChunkBytes(Manifest before, Manifest after) {
        Set<ByteBuffer> had = new HashSet<>();
        byte[] h1 = before.chunkHashes();
        for (int i = 0; i < before.chunkCount(); i++) {
            had.add(ByteBuffer.wrap(h1, i * Sha256.LENGTH, Sha256.LENGTH));
        }
        ChunkLayout layout = ChunkLayout.of(after);
        byte[] h2 = after.chunkHashes();
        long bytes = 0;
        for (int i = 0; i < after.chunkCount(); i++) {
            if (!had.contains(ByteBuffer.wrap(h2, i * Sha256.LENGTH, Sha256.LENGTH))) {
                bytes += layout.length(i);
            }
        }
        return bytes;
    }

    private static Manifest manifest(Node n, String path) {
        Hash id = n.chain().state().file(path).orElseThrow().manifest();
        return n.transfer().manifests().get(id).orElseThrow();
    }

    private JsonNode addTree(Path src) throws IOException {
        InProcessCli.Result add =
                InProcessCli.run("add", "--data", cluster.dataDir(0).toString(), src.toString(), "--json");
        assertThat(add.exitCode()).as(add.toString()).isZero();
        return new ObjectMapper().readTree(String.join("\n", add.lines()));
    }

    private static void write(Path file, int size, long seed) throws IOException {
        Files.createDirectories(file.getParent());
        Files.write(file, randomBytes(size, seed));
    }
}

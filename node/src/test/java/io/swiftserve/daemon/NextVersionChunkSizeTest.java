package io.swiftserve.daemon;

import static io.swiftserve.cluster.NodeFiles.addAnswer;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import io.swiftserve.cluster.TestCluster;
import io.swiftserve.cluster.TestFiles;
import io.swiftserve.transfer.ChunkLayout;
import java.nio.file.Path;
import java.util.Random;
import org.junit.jupiter.api.AutoClose;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * A new version of a path is cut in its version before's chunk size while that stays within a
 * factor of two of the fresh choice: the chunks a node holds of the old version are reused only at
 * an equal chunk size.
 */
@Timeout(120)
class NextVersionChunkSizeTest {
    @TempDir
    Path dir;

    @AutoClose
    private TestCluster cluster;

    @Test
    void aVersionKeepsTheChunkSizeOfTheVersionBeforeAndANewPathGetsTheFreshOne() throws Exception {
        cluster = TestCluster.converged(dir.resolve("cluster"), 0);
        var node = cluster.node(0);
        byte[] content = new byte[TestFiles.MIB];
        new Random(7).nextBytes(content);
        // version 1 as a node before this rule (or a larger file) would have cut it: 256 KiB chunks
        cluster.sealFileAdd(node, "kept.bin", 3L * TestFiles.MIB, 2 * ChunkLayout.MIN_CHUNK_SIZE);

        JsonNode next = addAnswer(node, "kept.bin", content);
        JsonNode fresh = addAnswer(node, "fresh.bin", content);

        assertThat(next.path("version").asLong()).isEqualTo(2);
        assertThat(next.path("chunkSize").asInt()).isEqualTo(2 * ChunkLayout.MIN_CHUNK_SIZE);
        assertThat(node.chain().state().file("kept.bin").orElseThrow().chunkSize())
                .isEqualTo(2 * ChunkLayout.MIN_CHUNK_SIZE);
        assertThat(fresh.path("chunkSize").asInt()).isEqualTo(ChunkLayout.MIN_CHUNK_SIZE);
    }
}

package io.swiftserve.daemon;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import io.swiftserve.admin.Json;
import io.swiftserve.cluster.TestCluster;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AutoClose;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/** `chain --json` gives scripts fields, not prose: kind, path, version, size, member, and each block's bytes. */
@Timeout(value = 60, unit = TimeUnit.SECONDS)
class ChainViewTest {
    @TempDir
    Path dir;

    @AutoClose
    private TestCluster cluster;

    @Test
    void transactionsCarryStructuredFieldsAndBlocksTheirSize() throws Exception {
        cluster = TestCluster.converged(dir.resolve("cluster"), 1);
        Node node = cluster.node(0);
        cluster.sealFileAdd(node, "data/set.bin", 1_000_000);
        JsonNode chain = Json.MAPPER.readTree(Json.write(new NodeAdmin(node).chain(10)));

        JsonNode add = null;
        JsonNode join = null;
        for (JsonNode b : chain.path("blocks")) {
            assertThat(b.path("bytes").asLong())
                    .as("block %s size", b.path("height"))
                    .isPositive();
            for (JsonNode tx : b.path("transactions")) {
                if (tx.path("kind").asText().equals("file_add")) {
                    add = tx;
                } else if (tx.path("kind").asText().equals("join")) {
                    join = tx;
                }
            }
        }
        assertThat(add).isNotNull();
        assertThat(add.path("path").asText()).isEqualTo("data/set.bin");
        assertThat(add.path("version").asLong()).isEqualTo(1);
        assertThat(add.path("size").asLong()).isEqualTo(1_000_000);
        assertThat(add.has("member")).isFalse();
        assertThat(join).isNotNull();
        assertThat(join.path("member").asText())
                .isEqualTo(cluster.node(1).key().id().toString());
        assertThat(join.has("path")).isFalse();
    }
}

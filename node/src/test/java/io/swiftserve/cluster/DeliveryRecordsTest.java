package io.swiftserve.cluster;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import io.swiftserve.daemon.Node;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.HashSet;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AutoClose;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * Delivery records on real nodes: each member signs what it holds once it has settled, the record
 * is sealed, and {@code swiftserve audit} reads "who holds what, since when" from a data dir's
 * store while its daemon runs.
 */
@Timeout(value = 120, unit = TimeUnit.SECONDS)
class DeliveryRecordsTest {
    @TempDir
    Path dir;

    @AutoClose
    private TestCluster cluster;

    @Test
    void everyMemberRecordsWhatItHoldsAndTheAuditReadsItOffline() throws Exception {
        cluster = TestCluster.converged(dir, Clock.systemUTC(), 2);
        String data = cluster.dataDir(0).toString();
        Path payload = Files.write(dir.resolve("payload.bin"), new byte[300_000]);
        InProcessCli.Result add = InProcessCli.run("add", "--data", data, payload.toString(), "--as", "set/a.bin");
        assertThat(add.exitCode()).as("%s", add).isZero();
        await("the file held by all three").atMost(Duration.ofSeconds(60)).until(() -> {
            for (int i = 0; i < cluster.size(); i++) {
                Node n = cluster.node(i);
                var f = n.chain().state().file("set/a.bin");
                if (f.isEmpty() || !n.transfer().holds(f.get().fileId())) {
                    return false;
                }
            }
            return true;
        });

        // a record waits until what a node holds has stayed the same for one check: the second check records
        for (int i = 0; i < cluster.size(); i++) {
            Node n = cluster.node(i);
            assertThat(n.holdings().checkNow().get(10, TimeUnit.SECONDS)).isEmpty();
            assertThat(n.holdings().checkNow().get(10, TimeUnit.SECONDS)).isPresent();
            assertThat(n.holdings().checkNow().get(10, TimeUnit.SECONDS))
                    .as("nothing new to record, and the last record is less than an hour old")
                    .isEmpty();
        }
        await("three records sealed").atMost(Duration.ofSeconds(30)).until(() -> {
            var state = cluster.node(0).chain().state();
            for (int i = 0; i < cluster.size(); i++) {
                if (state.lastHoldingsMs(cluster.node(i).key().id()).isEmpty()) {
                    return false;
                }
            }
            return true;
        });

        JsonNode audit = InProcessCli.json("audit", "--data", data, "set/a.bin", "--json");
        assertThat(audit.path("records").asInt()).isEqualTo(3);
        assertThat(audit.path("refused").asInt()).isZero();
        Set<String> holders = new HashSet<>();
        audit.path("held").forEach(h -> {
            assertThat(h.path("path").asText()).isEqualTo("set/a.bin");
            assertThat(h.path("untilMs").isNull()).isTrue();
            holders.add(h.path("member").asText());
        });
        Set<String> members = new HashSet<>();
        for (int i = 0; i < cluster.size(); i++) {
            members.add(cluster.node(i).key().id().toString());
        }
        assertThat(holders).isEqualTo(members);

        JsonNode where = InProcessCli.json("where", "--data", data, "set/a.bin", "--json");
        assertThat(where.path("holders")).hasSize(3);
        where.path("holders").forEach(h -> {
            assertThat(h.path("record").path("held").asBoolean()).as("%s", h).isTrue();
            assertThat(h.path("record").path("atMs").asLong()).isPositive();
        });
        assertThat(InProcessCli.run("where", "--data", data, "set/a.bin").out()).contains("signed record");

        InProcessCli.Result text = InProcessCli.run("audit", "--data", data);
        assertThat(text.exitCode()).as("%s", text).isZero();
        assertThat(text.lines()).contains("3 holdings records on the main chain");
        assertThat(text.lines())
                .filteredOn(l -> l.contains("holds 1 of 1 versions"))
                .hasSize(3);

        InProcessCli.Result none =
                InProcessCli.run("audit", "--data", dir.resolve("nothing").toString());
        assertThat(none.exitCode()).as("%s", none).isNotZero();
        assertThat(none.err().strip()).doesNotContain("\n").contains("no store at");
    }
}

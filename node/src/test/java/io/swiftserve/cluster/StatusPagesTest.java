package io.swiftserve.cluster;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AutoClose;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * status lists the files a page at a time, by path, with counts over all of them: a node of 10,000
 * files would otherwise build every file's progress on every member for each call and scrape.
 */
@Timeout(value = 120, unit = TimeUnit.SECONDS)
class StatusPagesTest {
    @TempDir
    Path dir;

    @AutoClose
    private TestCluster cluster;

    @Test
    void statusListsAPageOfFilesByPathAndCountsThemAll() throws Exception {
        cluster = TestCluster.converged(dir, Clock.systemUTC(), 0);
        String data = cluster.dataDir(0).toString();
        Path payload = Files.writeString(dir.resolve("payload.txt"), "some bytes");
        for (String path : List.of("c.txt", "a.txt", "b.txt")) {
            InProcessCli.Result add = InProcessCli.run("add", "--data", data, payload.toString(), "--as", path);
            assertThat(add.exitCode()).as("%s", add).isZero();
        }
        await("the three files held")
                .atMost(Duration.ofSeconds(30))
                .until(() -> InProcessCli.json("status", "--data", data, "--json")
                                .path("filePage")
                                .path("complete")
                                .asInt()
                        == 3);

        JsonNode first = InProcessCli.json("status", "--data", data, "--limit", "2", "--json");
        assertThat(paths(first)).containsExactly("a.txt", "b.txt");
        assertThat(first.path("filePage").path("total").asInt()).isEqualTo(3);
        assertThat(first.path("filePage").path("complete").asInt()).isEqualTo(3);
        assertThat(first.path("transfer").path("filesComplete").asInt()).isEqualTo(3);

        JsonNode rest = InProcessCli.json("status", "--data", data, "--limit", "2", "--offset", "2", "--json");
        assertThat(paths(rest)).containsExactly("c.txt");
        assertThat(paths(InProcessCli.json("status", "--data", data, "--json"))).hasSize(3);

        InProcessCli.Result text = InProcessCli.run("status", "--data", data, "--limit", "1");
        assertThat(text.exitCode()).as("%s", text).isZero();
        assertThat(text.lines())
                .filteredOn(l -> l.startsWith("file "))
                .singleElement()
                .asString()
                .contains("a.txt");
        assertThat(text.lines())
                .contains("files      1 of 3 listed, from #1 by path; 3 complete here"
                        + " (status --offset 1 for the next, --all or ls for all)");

        InProcessCli.Result bad = InProcessCli.run("status", "--data", data, "--limit", "-1");
        assertThat(bad.exitCode()).as("%s", bad).isEqualTo(2);
        assertThat(bad.err().strip()).doesNotContain("\n").contains("--limit and --offset must not be negative");
    }

    private static List<String> paths(JsonNode status) {
        List<String> out = new ArrayList<>();
        status.path("files").forEach(f -> out.add(f.path("path").asText()));
        return out;
    }
}

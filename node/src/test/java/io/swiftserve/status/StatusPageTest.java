package io.swiftserve.status;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.swiftserve.admin.AdminClient;
import io.swiftserve.admin.Json;
import io.swiftserve.cluster.InProcessCli;
import io.swiftserve.cluster.TestCluster;
import io.swiftserve.daemon.Node;
import java.io.ByteArrayInputStream;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.TimeUnit;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * The status server of a live cluster: node 0 seeds a file to node 1 while a third member is down;
 * the page is loaded in headless Chromium and its rendered DOM checked; /metrics, /api/* and the
 * read-only rule are checked over HTTP. One cluster for all tests: none of them changes it.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
@Timeout(value = 180, unit = TimeUnit.SECONDS)
class StatusPageTest {
    private static final String PATH = "x.bin";
    private static final int SIZE = 3 * 1024 * 1024 + 12_345; // 25 chunks of 128 KiB, the last one short
    private static final int CHUNKS = 25;

    private TestCluster cluster;
    private Node seed;
    private String seedId;
    private String peerId;
    private String offlineId;
    private Path dir;
    private StatusHttp http;

    @BeforeAll
    @Timeout(120)
    void seedAFileToNodeOneWhileNodeTwoIsDown(@TempDir Path tempDir) throws Exception {
        dir = tempDir;
        cluster = TestCluster.converged(dir.resolve("cluster"), 2);
        seed = cluster.node(0);
        http = new StatusHttp(seed.statusUrl());
        seedId = seed.key().id().toString();
        peerId = cluster.node(1).key().id().toString();
        offlineId = cluster.node(2).key().id().toString();
        cluster.stop(2);
        await("node 2's sessions closed")
                .atMost(TestCluster.CONVERGE)
                .until(() -> TestCluster.memberSessions(seed).size() == 1
                        && TestCluster.memberSessions(cluster.node(1)).size() == 1);

        byte[] bytes = new byte[SIZE];
        new Random(7).nextBytes(bytes);
        new AdminClient(cluster.dataDir(0))
                .upload(
                        "/add",
                        Map.of("path", PATH, "size", Integer.toString(SIZE)),
                        SIZE,
                        () -> new ByteArrayInputStream(bytes),
                        Duration.ofSeconds(30));
        await(PATH + " complete on nodes 0 and 1, as node 0 sees it")
                .atMost(TestCluster.CONVERGE)
                .pollInterval(Duration.ofMillis(100))
                .until(() -> {
                    JsonNode f = http.json("api/status").path("files").path(0);
                    return f.path("state").asText().equals("complete")
                            && progress(f, seedId).path("complete").asBoolean()
                            && progress(f, peerId).path("complete").asBoolean();
                });
    }

    @AfterAll
    void stopCluster() {
        if (cluster != null) {
            cluster.close();
        }
    }

    @Test
    void pageRenderedInChromiumShowsMembersPeersChainAndFileProgress() throws Exception {
        HeadlessChromium chromium = HeadlessChromium.find(Files.createDirectories(dir.resolve("chromium")))
                .orElse(null);
        Assumptions.assumeTrue(
                chromium != null,
                "chromium is not installed (scripts/install-test-tools.sh installs it): the status page was not loaded in a browser");

        String dom = chromium.dumpDom(seed.statusUrl(), 5000);

        // the scripts ran and the node answered
        assertThat(dom).contains("live · updated").containsPattern("<p id=\"error\"[^>]*hidden");
        // members: this node, the connected peer, and the member that is down
        assertThat(dom)
                .containsPattern(row(seedId, "self"))
                .containsPattern(row(peerId, "online"))
                .containsPattern(row(offlineId, "offline"))
                .contains(
                        ">" + seedId.substring(0, 12) + "<",
                        ">" + peerId.substring(0, 12) + "<",
                        ">" + offlineId.substring(0, 12) + "<");
        // connected peers: node 1 only
        assertThat(section(dom, "peers"))
                .contains("data-node-id=\"" + peerId + "\"")
                .doesNotContain(offlineId);
        // the file, complete on both running nodes, with full progress bars
        String file = section(dom, "files");
        assertThat(file).contains("data-path=\"" + PATH + "\"", CHUNKS + " chunks", ">complete<");
        for (String id : List.of(seedId, peerId)) {
            assertThat(file)
                    .containsPattern("class=\"node-progress\" data-node-id=\"" + id + "\" data-complete=\"true\">"
                            + "[^\n]*?<progress max=\"" + CHUNKS + "\" value=\"" + CHUNKS + "\"[^\n]*?>100%<");
        }
        assertThat(file)
                .containsPattern("data-node-id=\"" + offlineId + "\" data-complete=\"false\">[^\n]*?offline, unknown");
        // the chain: head height and its recent blocks (genesis, two joins, the file)
        assertThat(section(dom, "chain"))
                .contains("height " + seed.chain().height())
                .contains("file_add", PATH);

        Path png = dir.resolve("status-page.png");
        chromium.screenshot(seed.statusUrl(), 1200, 900, 5000, png);
        assertThat(Files.readAllBytes(png)).startsWith(0x89, 'P', 'N', 'G').hasSizeGreaterThan(20_000);
        String keep = System.getProperty("swiftserve.statusScreenshot");
        if (keep != null) {
            Files.copy(png, Path.of(keep), java.nio.file.StandardCopyOption.REPLACE_EXISTING);
        }
    }

    @Test
    void metricsAreValidPrometheusTextWithTheNodesNumbers() throws Exception {
        HttpResponse<String> r = http.get("metrics");
        assertThat(r.statusCode()).isEqualTo(200);
        assertThat(r.headers().firstValue("Content-Type"))
                .hasValueSatisfying(t -> assertThat(t).startsWith("text/plain; version=0.0.4"));
        PrometheusText metrics = PrometheusText.parse(r.body());

        assertThat(metrics.value("swiftserve_members")).isEqualTo(3);
        assertThat(metrics.value("swiftserve_peers_connected")).isEqualTo(1);
        assertThat(metrics.value("swiftserve_chain_height"))
                .isEqualTo(seed.chain().height());
        assertThat(metrics.value("swiftserve_files")).isEqualTo(1);
        assertThat(metrics.value("swiftserve_files_complete")).isEqualTo(1);
        // node 1 had no other source: every chunk came from node 0
        assertThat(metrics.value("swiftserve_upload_bytes_total")).isGreaterThanOrEqualTo(SIZE);
        assertThat(metrics.value("swiftserve_download_bytes_total")).isZero();
        assertThat(metrics.value("swiftserve_chunks_verified_total")).isZero();
        assertThat(metrics.value("swiftserve_chunks_failed_total")).isZero();
        assertThat(metrics.value("swiftserve_local_reuse_bytes_total")).isZero();
        assertThat(metrics.value("swiftserve_upload_rate_bytes_per_second")).isNotNegative();
        assertThat(metrics.value("swiftserve_download_rate_bytes_per_second")).isNotNegative();
        assertThat(metrics.value("swiftserve_peer_upload_rate_bytes_per_second{peer=\"" + peerId + "\"}"))
                .isNotNegative();
        assertThat(metrics.value("swiftserve_node_info{network=\"test-cluster\",network_id=\""
                        + seed.chain().networkId() + "\",node_id=\"" + seedId + "\"}"))
                .isEqualTo(1);
        assertThat(metrics.value("swiftserve_peer_upload_bytes_total{peer=\"" + peerId + "\"}"))
                .isGreaterThanOrEqualTo(SIZE);
        assertThat(metrics.type("swiftserve_peer_upload_bytes_total")).isEqualTo("counter");
        assertThat(metrics.value("swiftserve_build_info{protocol=\"" + io.swiftserve.net.Wire.PROTOCOL_VERSION
                        + "\",version=\"" + io.swiftserve.net.Wire.AGENT + "\"}"))
                .isEqualTo(1);
        assertThat(metrics.series("swiftserve_file_completion_ratio{").values()).containsExactly(1.0);
        assertThat(metrics.type("swiftserve_upload_bytes_total")).isEqualTo("counter");
        assertThat(metrics.type("swiftserve_chain_height")).isEqualTo("gauge");
        // the JVM's and the process's own, from the client library's instrumentation
        assertThat(metrics.value("jvm_memory_used_bytes{area=\"heap\"}")).isPositive();
        assertThat(metrics.type("jvm_memory_used_bytes")).isEqualTo("gauge");
        assertThat(metrics.value("process_cpu_seconds_total")).isPositive();
        assertThat(metrics.type("process_cpu_seconds_total")).isEqualTo("counter");
        assertThat(metrics.value("jvm_threads_current")).isPositive();
        assertThat(metrics.series("jvm_gc_collection_seconds_count{")).isNotEmpty();
        assertThat(metrics.value("process_open_fds")).isPositive();

        // a scraper that asks for OpenMetrics gets it
        HttpResponse<String> om =
                http.request("GET", "metrics", "application/openmetrics-text; version=1.0.0; charset=utf-8");
        assertThat(om.headers().firstValue("Content-Type"))
                .hasValueSatisfying(t -> assertThat(t).startsWith("application/openmetrics-text"));
        assertThat(om.body()).contains("# TYPE swiftserve_upload_bytes counter").endsWith("# EOF\n");

        // node 1's side of the same transfer
        PrometheusText peer = PrometheusText.parse(
                new StatusHttp(cluster.node(1).statusUrl()).get("metrics").body());
        assertThat(peer.value("swiftserve_download_bytes_total")).isGreaterThanOrEqualTo(SIZE);
        assertThat(peer.value("swiftserve_chunks_verified_total"))
                .isGreaterThanOrEqualTo(CHUNKS); // end game may fetch one twice
    }

    @Test
    void apiStatusIsTheJsonOfStatusDashDashJson() throws Exception {
        await("the same JSON")
                .atMost(Duration.ofSeconds(20))
                .pollInterval(Duration.ofMillis(200))
                .untilAsserted(() -> {
                    InProcessCli.Result cli = InProcessCli.run(
                            "status", "--data", cluster.dataDir(0).toString(), "--json");
                    assertThat(cli.exitCode()).isZero();
                    String out = cli.out(); // log lines of the in-process nodes may come first
                    JsonNode fromCli =
                            Json.MAPPER.readTree(out.startsWith("{") ? out : out.substring(out.indexOf("\n{") + 1));
                    assertThat(withoutMovingCounters(http.json("api/status")))
                            .isEqualTo(withoutMovingCounters(fromCli));
                });
        assertThat(http.json("api/status").path("statusUrl").asText()).isEqualTo(seed.statusUrl());
    }

    @Test
    void apiPeersListsEveryMemberAndApiChainTheRecentBlocks() throws Exception {
        JsonNode peers = http.json("api/peers").path("peers");
        assertThat(peers.findValuesAsText("nodeId")).containsExactlyInAnyOrder(seedId, peerId, offlineId);
        for (JsonNode p : peers) {
            assertThat(p.path("connected").asBoolean())
                    .as(p.path("nodeId").asText())
                    .isEqualTo(p.path("nodeId").asText().equals(peerId));
        }
        JsonNode chain = http.json("api/chain?limit=2");
        assertThat(chain.path("height").asLong()).isEqualTo(seed.chain().height());
        assertThat(chain.path("blocks")).hasSize(2);
        assertThat(chain.path("blocks").path(0).path("hash").asText())
                .isEqualTo(seed.chain().head().hash().toString());
        assertThat(http.json("api/chain").path("blocks"))
                .hasSize((int) seed.chain().height() + 1); // all 4, under the default 10
        assertThat(http.get("api/chain?limit=many").statusCode()).isEqualTo(400);
    }

    @Test
    void onlyGetIsAnsweredAndUnknownPathsAre404() throws Exception {
        for (String method : List.of("POST", "PUT", "DELETE", "PATCH")) {
            for (String path : List.of("", "api/status", "metrics", "v1/add")) {
                HttpResponse<String> r = http.request(method, path, null);
                assertThat(r.statusCode()).as(method + " /" + path).isEqualTo(405);
                assertThat(r.headers().firstValue("Allow")).hasValue("GET");
            }
        }
        assertThat(http.get("nope").statusCode()).isEqualTo(404);
        assertThat(http.get("../pom.xml").statusCode()).isEqualTo(404);
        HttpResponse<String> page = http.get("");
        assertThat(page.statusCode()).isEqualTo(200);
        assertThat(page.headers().firstValue("Content-Security-Policy"))
                .hasValueSatisfying(c -> assertThat(c).contains("script-src 'self'"));
        assertThat(page.body()).contains("<script src=\"status.js\"").doesNotContain("http://", "https://");
    }

    // --- helpers

    private static Pattern row(String id, String state) {
        return Pattern.compile("<tr data-node-id=\"" + id + "\" data-state=\"" + state + "\">");
    }

    /** The part of the dumped DOM from the heading of a card ({@code h-ID}) to the end of the card. */
    private static String section(String dom, String id) {
        int start = dom.indexOf("id=\"h-" + id + "\"");
        assertThat(start).as("element #" + id + " in the page").isNotNegative();
        int end = dom.indexOf("</section>", start);
        return dom.substring(start, end < 0 ? dom.length() : end);
    }

    private static JsonNode progress(JsonNode file, String nodeId) {
        for (JsonNode n : file.path("nodes")) {
            if (n.path("nodeId").asText().equals(nodeId)) {
                return n;
            }
        }
        return Json.MAPPER.missingNode();
    }

    /** Rates decay and session byte counts include keep-alives: they differ between two calls a moment apart. */
    private static JsonNode withoutMovingCounters(JsonNode status) {
        ObjectNode copy = status.deepCopy();
        ((ObjectNode) copy.path("transfer")).remove(List.of("upBytesPerSec", "downBytesPerSec"));
        copy.path("peers")
                .forEach(p ->
                        ((ObjectNode) p).remove(List.of("upBytesPerSec", "downBytesPerSec", "bytesUp", "bytesDown")));
        return copy;
    }
}

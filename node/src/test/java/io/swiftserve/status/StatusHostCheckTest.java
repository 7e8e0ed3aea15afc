package io.swiftserve.status;

import static org.assertj.core.api.Assertions.assertThat;

import io.swiftserve.cluster.TestCluster;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AutoClose;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * DNS rebinding: a page on evil.example whose name later resolves to 127.0.0.1 is same-origin with
 * the status page in the victim's browser, but its requests say {@code Host: evil.example}. The page
 * answers only the names it is known by.
 */
@Timeout(value = 60, unit = TimeUnit.SECONDS)
class StatusHostCheckTest {
    @TempDir
    Path dir;

    @AutoClose
    private TestCluster cluster;

    @Test
    void onlyThePagesOwnNamesAreAnswered() throws Exception {
        cluster = TestCluster.converged(dir.resolve("cluster"), 0);
        int port = RawHttp.port(cluster.node(0).statusUrl());
        Map<String, Integer> expected = new LinkedHashMap<>();
        expected.put("evil.example:" + port, 421);
        expected.put("evil.example", 421);
        expected.put("127.0.0.1.evil.example:" + port, 421);
        expected.put("localhost.evil.example:" + port, 421);
        expected.put("10.1.2.3:" + port, 421);
        expected.put("bad host:" + port, 421);
        expected.put("127.0.0.1:" + port, 200);
        expected.put("localhost:" + port, 200);
        expected.put("LOCALHOST.:" + port, 200);
        expected.put("127.0.0.2:" + port, 200);
        expected.put("[::1]:" + port, 200);
        for (Map.Entry<String, Integer> e : expected.entrySet()) {
            for (String path : new String[] {"/", "/api/status", "/metrics"}) {
                RawHttp.Answer a = RawHttp.get(port, path, e.getKey(), "");
                System.out.printf("[StatusHostCheckTest] GET %s Host: %s -> %d%n", path, e.getKey(), a.code());
                assertThat(a.code())
                        .as("GET %s with Host: %s: %s", path, e.getKey(), a.body())
                        .isEqualTo(e.getValue());
            }
        }
        // HTTP/1.0 without a Host header: no browser sends that, so no rebinding either
        assertThat(RawHttp.get(port, "/api/status", null, "").code()).isEqualTo(200);
    }
}

package io.swiftserve.status;

import static org.assertj.core.api.Assertions.assertThat;

import io.swiftserve.admin.StatusAccess;
import io.swiftserve.daemon.Node;
import io.swiftserve.daemon.NodeConfig;
import io.swiftserve.daemon.NodeInit;
import java.net.CookieManager;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * A status page bound beyond loopback asks for a read token unless the operator says
 * {@code --status-public}; the token is made once, 0600, in the data dir. Requests only go to
 * 127.0.0.1 (the page is bound to 0.0.0.0 for the test's few seconds).
 */
@Timeout(value = 60, unit = TimeUnit.SECONDS)
class StatusTokenTest {
    @TempDir
    Path dir;

    private Node node;

    @AfterEach
    void stop() {
        if (node != null) {
            node.close();
        }
    }

    private int start(StatusAccess.Options options) throws Exception {
        Path data = dir.resolve("node");
        if (!Files.exists(data.resolve(NodeInit.DB_DIR))) {
            NodeInit.found(data, "token-test", Clock.systemUTC());
        }
        node = new Node(
                NodeConfig.local(data).withPort(0).withStatus("0.0.0.0", 0).withStatusAccess(options),
                Clock.systemUTC());
        node.start();
        return RawHttp.port(node.statusUrl());
    }

    @Test
    void aLanBoundPageNeedsItsTokenByHeaderQueryOrCookie() throws Exception {
        int port = start(StatusAccess.Options.DEFAULT);
        Path file = dir.resolve("node/status.token");
        assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(file)))
                .isEqualTo("rw-------");
        String token = Files.readString(file).trim();
        String host = "127.0.0.1:" + port;

        for (String path : List.of("/", "/api/status", "/api/peers", "/metrics", "/status.js")) {
            RawHttp.Answer a = RawHttp.get(port, path, host, "");
            System.out.printf("[StatusTokenTest] GET %s without a token -> %d%n", path, a.code());
            assertThat(a.code()).as("GET %s: %s", path, a.body()).isEqualTo(401);
            assertThat(a.head().toLowerCase()).contains("www-authenticate: bearer");
        }
        assertThat(RawHttp.get(port, "/api/status", host, "Authorization: Bearer wrong" + token + "\r\n")
                        .code())
                .isEqualTo(401);
        assertThat(RawHttp.get(port, "/api/status?token=" + token.substring(1), host, "")
                        .code())
                .isEqualTo(401);
        assertThat(RawHttp.get(port, "/api/status", host, "Cookie: swiftserve-status-" + port + "=x" + token + "\r\n")
                        .code())
                .isEqualTo(401);
        // DNS rebinding gets nowhere even with the token (the browser would send it as a cookie)
        assertThat(RawHttp.get(port, "/api/status", "evil.example:" + port, "Authorization: Bearer " + token + "\r\n")
                        .code())
                .isEqualTo(421);

        assertThat(RawHttp.get(port, "/api/status", host, "Authorization: Bearer " + token + "\r\n")
                        .code())
                .isEqualTo(200);
        assertThat(RawHttp.get(port, "/metrics?token=" + token, host, "").code())
                .isEqualTo(200);

        // a browser: /?token= moves the token into a cookie and out of the address bar, and the page's requests carry
        // it
        HttpClient browser = HttpClient.newBuilder()
                .cookieHandler(new CookieManager())
                .followRedirects(HttpClient.Redirect.NORMAL)
                .connectTimeout(Duration.ofSeconds(5))
                .build();
        String base = "http://127.0.0.1:" + port;
        HttpResponse<String> page = browser.send(
                HttpRequest.newBuilder(URI.create(base + "/?token=" + token))
                        .timeout(Duration.ofSeconds(10))
                        .build(),
                HttpResponse.BodyHandlers.ofString());
        System.out.printf("[StatusTokenTest] browser GET /?token=... -> %d at %s%n", page.statusCode(), page.uri());
        assertThat(page.statusCode()).isEqualTo(200);
        assertThat(page.uri().getQuery()).as("the token left the URL").isNull();
        assertThat(page.body()).contains("<html");
        HttpResponse<String> api = browser.send(
                HttpRequest.newBuilder(URI.create(base + "/api/status"))
                        .timeout(Duration.ofSeconds(10))
                        .build(),
                HttpResponse.BodyHandlers.ofString());
        assertThat(api.statusCode())
                .as("/api/status with the cookie: %s", api.body())
                .isEqualTo(200);

        // the token is kept across restarts
        node.close();
        start(StatusAccess.Options.DEFAULT);
        assertThat(Files.readString(file).trim()).isEqualTo(token);
    }

    /** In a real browser: the ?token= visit ends on the page, whose own requests (with the cookie) are answered. */
    @Test
    void chromiumOpensATokenPageByItsLink() throws Exception {
        HeadlessChromium chromium = HeadlessChromium.find(Files.createDirectories(dir.resolve("chromium")))
                .orElse(null);
        org.junit.jupiter.api.Assumptions.assumeTrue(
                chromium != null,
                "chromium is not installed (scripts/install-test-tools.sh installs it): the token page was not loaded in a browser");
        int port = start(StatusAccess.Options.DEFAULT);
        String token = Files.readString(dir.resolve("node/status.token")).trim();
        String withToken = chromium.dumpDom("http://127.0.0.1:" + port + "/?token=" + token, 5000);
        System.out.printf("[StatusTokenTest] chromium /?token=...: %d characters of DOM%n", withToken.length());
        assertThat(withToken).contains("live · updated").containsPattern("<p id=\"error\"[^>]*hidden");
        String without = chromium.dumpDom("http://127.0.0.1:" + port + "/", 2000);
        assertThat(without).doesNotContain("live · updated").contains("read token");
    }

    @Test
    void statusPublicServesWithoutAToken() throws Exception {
        int port = start(new StatusAccess.Options(null, true, List.of()));
        assertThat(RawHttp.get(port, "/api/status", "127.0.0.1:" + port, "").code())
                .isEqualTo(200);
        assertThat(RawHttp.get(port, "/api/status", "evil.example:" + port, "").code())
                .isEqualTo(421);
        assertThat(dir.resolve("node/status.token")).doesNotExist();
    }

    @Test
    void aTokenFileAndExtraHostNamesAreHonoured() throws Exception {
        Path tokenFile = dir.resolve("token.txt");
        Files.writeString(tokenFile, "s3cret-token\n");
        int port = start(new StatusAccess.Options(tokenFile, false, List.of("status.lab.example")));
        assertThat(RawHttp.get(
                                port,
                                "/api/status",
                                "status.lab.example:" + port,
                                "Authorization: Bearer s3cret-token\r\n")
                        .code())
                .isEqualTo(200);
        assertThat(RawHttp.get(port, "/api/status", "127.0.0.1:" + port, "").code())
                .isEqualTo(401);
        assertThat(dir.resolve("node/status.token")).doesNotExist();
    }
}

package io.swiftserve.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.junit.jupiter.api.Assumptions.assumeFalse;

import io.swiftserve.admin.AdminServer;
import io.swiftserve.cluster.TestCluster;
import io.swiftserve.identity.KeyFile;
import java.io.IOException;
import java.net.ConnectException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.NetworkInterface;
import java.net.Socket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * The admin channel is for this machine's users only: it listens on loopback, every request needs the
 * token from the data dir, and that token (like the key) is readable by the owner alone.
 */
@Timeout(value = 60, unit = TimeUnit.SECONDS)
class AdminLocalOnlyTest {
    private static final Duration CONNECT = Duration.ofSeconds(3);

    @TempDir
    Path dir;

    private TestCluster cluster;
    private Path data;
    private int adminPort;
    private final HttpClient http =
            HttpClient.newBuilder().connectTimeout(CONNECT).build();

    @BeforeEach
    void startOneNode() throws IOException {
        cluster = new TestCluster(dir);
        cluster.found();
        data = cluster.dataDir(0);
        adminPort = Integer.parseInt(
                Files.readString(data.resolve(AdminServer.PORT_FILE)).trim());
    }

    @AfterEach
    void tearDown() {
        cluster.close();
    }

    @Test
    void theAdminPortIsRefusedOnEveryNonLoopbackAddressOfThisMachine() throws IOException {
        List<InetAddress> external = nonLoopbackAddresses();
        assumeFalse(external.isEmpty(), "this machine has no non-loopback address: nothing to connect from");

        // the port is really open on loopback, so a refusal elsewhere means something
        try (Socket s = new Socket()) {
            s.connect(new InetSocketAddress(InetAddress.getLoopbackAddress(), adminPort), (int) CONNECT.toMillis());
        }
        for (InetAddress address : external) {
            assertThatThrownBy(() -> {
                        try (Socket s = new Socket()) {
                            s.connect(new InetSocketAddress(address, adminPort), (int) CONNECT.toMillis());
                        }
                    })
                    .as("admin port %d on %s", adminPort, address.getHostAddress())
                    .isInstanceOf(ConnectException.class);
        }
    }

    private static List<InetAddress> nonLoopbackAddresses() throws IOException {
        List<InetAddress> out = new ArrayList<>();
        for (NetworkInterface nif : Collections.list(NetworkInterface.getNetworkInterfaces())) {
            if (!nif.isUp()) {
                continue;
            }
            for (InetAddress a : Collections.list(nif.getInetAddresses())) {
                if (!a.isLoopbackAddress()) {
                    out.add(a);
                }
            }
        }
        return out;
    }

    @Test
    void aRequestWithoutTheRightTokenGets401() throws Exception {
        assertThat(get(null).statusCode()).isEqualTo(401);
        assertThat(get("Bearer 00").statusCode()).isEqualTo(401);
        HttpResponse<String> wrong = get("Bearer " + "ab".repeat(24));
        assertThat(wrong.statusCode()).isEqualTo(401);
        assertThat(wrong.body()).contains("admin token").doesNotContain(token());

        HttpResponse<String> ok = get("Bearer " + token());
        assertThat(ok.statusCode()).isEqualTo(200);
        assertThat(ok.body()).contains(cluster.node(0).key().id().toString());
    }

    private HttpResponse<String> get(String authorization) throws Exception {
        HttpRequest.Builder b = HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + adminPort + "/v1/status"))
                .timeout(Duration.ofSeconds(10));
        if (authorization != null) {
            b.header("Authorization", authorization);
        }
        return http.send(b.GET().build(), HttpResponse.BodyHandlers.ofString());
    }

    private String token() throws IOException {
        return Files.readString(data.resolve(AdminServer.TOKEN_FILE)).trim();
    }

    @Test
    void theTokenAndTheKeyAreReadableByTheOwnerOnly() throws IOException {
        for (String name : List.of(AdminServer.TOKEN_FILE, KeyFile.NAME)) {
            assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(data.resolve(name))))
                    .as(name)
                    .isEqualTo("rw-------");
        }
        assertThat(token()).matches("[0-9a-f]{48}");
    }
}

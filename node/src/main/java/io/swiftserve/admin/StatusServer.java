package io.swiftserve.admin;

import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The read-only status page, {@code /api/status} and {@code /metrics}. Loopback by default; it can
 * be opened to the LAN because nothing it serves can change the node.
 */
public final class StatusServer implements AutoCloseable {
    private static final Logger log = LoggerFactory.getLogger(StatusServer.class);

    private final AdminApi api;
    private final String host;
    private final int port;
    private HttpServer server;
    private ExecutorService executor;

    public StatusServer(AdminApi api, String host, int port) {
        this.api = api;
        this.host = host;
        this.port = port;
    }

    /** Starts serving; returns the URL of the page. */
    public String start() throws IOException {
        server = HttpServer.create(new InetSocketAddress(host, port), 16);
        executor = Executors.newFixedThreadPool(2, r -> {
            Thread t = new Thread(r, "status-http");
            t.setDaemon(true);
            return t;
        });
        server.setExecutor(executor);
        server.createContext("/api/status", ex -> {
            try (ex) {
                byte[] body = Json.write(api.status()).getBytes(java.nio.charset.StandardCharsets.UTF_8);
                ex.getResponseHeaders().set("Content-Type", "application/json");
                ex.sendResponseHeaders(200, body.length);
                ex.getResponseBody().write(body);
            }
        });
        server.start();
        String url = "http://" + io.swiftserve.net.NetAddresses.join(host, server.getAddress().getPort()) + "/";
        log.info("status page at {}", url);
        return url;
    }

    @Override
    public void close() {
        if (server != null) {
            server.stop(0);
            executor.shutdownNow();
            server = null;
        }
    }
}

package io.swiftserve.admin;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.Map;
import java.util.concurrent.ExecutorService;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The read-only status page, its JSON ({@code /api/status}, {@code /api/peers}, {@code /api/chain})
 * and {@code /metrics}. Loopback by default; it can be opened to the LAN because nothing it serves
 * can change the node: it only answers GET, and it has no route to a mutating {@link AdminApi} call.
 * Every request passes {@link StatusAccess} first (Host header, and the read token when one is set).
 */
public final class StatusServer implements AutoCloseable {
    private static final Logger log = LoggerFactory.getLogger(StatusServer.class);
    /** Recent blocks {@code /api/chain} returns unless {@code ?limit=} says otherwise (at most {@link #MAX_BLOCKS}). */
    static final int DEFAULT_BLOCKS = 10;

    static final int MAX_BLOCKS = 100;
    // the page is self-contained: no inline script, nothing from another origin
    private static final String CSP = "default-src 'none'; script-src 'self'; style-src 'self'; connect-src 'self'; "
            + "img-src 'self' data:; base-uri 'none'; form-action 'none'; frame-ancestors 'none'";

    private record Asset(String contentType, byte[] body) {}

    private final AdminApi api;
    private final String host;
    private final int port;
    private final StatusAccess access;
    private final StatusMetrics metrics;
    private final Map<String, Asset> assets;
    private HttpServer server;
    private ExecutorService executor;
    private volatile String url = "";

    public StatusServer(AdminApi api, String host, int port, StatusAccess access) {
        this.api = api;
        this.host = host;
        this.port = port;
        this.access = access;
        this.metrics = new StatusMetrics(api);
        this.assets = Map.of(
                "/", asset("index.html", "text/html; charset=utf-8"),
                "/status.css", asset("status.css", "text/css; charset=utf-8"),
                "/status.js", asset("status.js", "text/javascript; charset=utf-8"));
    }

    /** Starts serving; returns the URL of the page. */
    public String start() throws IOException {
        server = HttpServers.create(new InetSocketAddress(host, port));
        access.boundTo(server.getAddress().getPort());
        executor = HttpServers.threads("status-http");
        server.setExecutor(executor);
        server.createContext("/", this::handle);
        server.start();
        url = "http://"
                + io.swiftserve.net.NetAddresses.join(host, server.getAddress().getPort()) + "/";
        log.info(
                "status page at {} (metrics at {}metrics){}",
                url,
                url,
                access.tokenSource() != null
                        ? "; it needs the read token in " + access.tokenSource() + " (?token= or Authorization: Bearer)"
                        : java.net.InetAddress.getByName(host).isLoopbackAddress()
                                ? ""
                                : "; open to anyone who can reach it (--status-public)");
        return url;
    }

    /** The page's URL once started. */
    public String url() {
        return url;
    }

    /** The bound address (the real port when started on port 0). */
    public InetSocketAddress address() {
        return server.getAddress();
    }

    private void handle(HttpExchange ex) {
        try (ex) {
            String path = ex.getRequestURI().getPath();
            StatusAccess.Refusal refusal = access.check(ex);
            if (refusal != null) {
                if (refusal.code() == 421) {
                    log.info("status request refused: {}", io.swiftserve.util.LogText.escape(refusal.reason()));
                } else {
                    ex.getResponseHeaders().set("WWW-Authenticate", "Bearer realm=\"swiftserve status\"");
                }
                error(ex, refusal.code(), refusal.reason());
                return;
            }
            if (!"GET".equals(ex.getRequestMethod())) {
                ex.getResponseHeaders().set("Allow", "GET");
                error(ex, 405, "the status server is read-only: only GET is answered");
                return;
            }
            try {
                route(ex, path);
            } catch (AdminApi.AdminException e) {
                error(ex, 400, e.getMessage());
            } catch (RuntimeException e) {
                log.warn("status request {} failed", io.swiftserve.util.LogText.escape(path), e);
                error(ex, 500, "internal error: " + e);
            }
        } catch (IOException e) {
            log.debug("status connection failed: {}", e.getMessage());
        }
    }

    private void route(HttpExchange ex, String path) throws IOException, AdminApi.AdminException {
        switch (path) {
            case "/api/status" -> json(ex, 200, api.status());
            case "/api/peers" -> json(ex, 200, api.peers());
            case "/api/chain" -> json(ex, 200, api.chain(blocks(ex)));
            case "/metrics" -> {
                StatusMetrics.Exposition e =
                        metrics.scrape(ex.getRequestHeaders().getFirst("Accept"));
                send(ex, 200, e.contentType(), e.body());
            }
            default -> {
                Asset a = assets.get(path.equals("/index.html") ? "/" : path);
                if (a != null && a.contentType().startsWith("text/html") && access.tokenInQuery(ex)) {
                    // the token moves into a cookie for the page's own requests, and out of the address bar
                    ex.getResponseHeaders().set("Set-Cookie", access.cookieHeader());
                    ex.getResponseHeaders().set("Location", "/");
                    send(ex, 303, "text/plain; charset=utf-8", new byte[0]);
                    return;
                }
                if (a == null) {
                    error(ex, 404, "no such page: " + path);
                    return;
                }
                if (a.contentType().startsWith("text/html")) {
                    ex.getResponseHeaders().set("Content-Security-Policy", CSP);
                }
                send(ex, 200, a.contentType(), a.body());
            }
        }
    }

    private static int blocks(HttpExchange ex) throws AdminApi.AdminException {
        String raw = AdminServer.query(ex.getRequestURI().getRawQuery()).get("limit");
        if (raw == null) {
            return DEFAULT_BLOCKS;
        }
        try {
            return Math.max(1, Math.min(MAX_BLOCKS, Integer.parseInt(raw)));
        } catch (NumberFormatException e) {
            throw new AdminApi.AdminException("parameter 'limit' is not a number");
        }
    }

    private static void json(HttpExchange ex, int code, Object value) throws IOException {
        send(ex, code, "application/json", Json.write(value).getBytes(StandardCharsets.UTF_8));
    }

    private static void error(HttpExchange ex, int code, String message) throws IOException {
        json(ex, code, Map.of("error", message));
    }

    private static void send(HttpExchange ex, int code, String contentType, byte[] body) throws IOException {
        var h = ex.getResponseHeaders();
        h.set("Content-Type", contentType);
        h.set("Cache-Control", "no-store");
        h.set("X-Content-Type-Options", "nosniff");
        h.set("Referrer-Policy", "no-referrer");
        ex.sendResponseHeaders(code, body.length == 0 ? -1 : body.length);
        if (body.length > 0) {
            ex.getResponseBody().write(body);
        }
    }

    private static Asset asset(String name, String contentType) {
        try (InputStream in = StatusServer.class.getResourceAsStream("/status/" + name)) {
            if (in == null) {
                throw new IllegalStateException("status page resource /status/" + name + " is missing from the jar");
            }
            return new Asset(contentType, in.readAllBytes());
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    @Override
    public void close() {
        if (server != null) {
            HttpServers.stop(server, executor);
            server = null;
        }
    }
}

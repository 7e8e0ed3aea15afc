package io.swiftserve.admin;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.MessageDigest;
import java.security.SecureRandom;
import java.util.HashMap;
import java.util.HexFormat;
import java.util.Map;
import java.util.concurrent.ExecutorService;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The local admin channel: HTTP on the loopback interface only, port written to
 * {@code DIR/admin.port}, every request carrying the secret from {@code DIR/admin.token} (mode 0600),
 * so only a user who can read the data dir can drive the node. Requests from a non-loopback address
 * are refused even if one somehow arrives.
 */
public final class AdminServer implements AutoCloseable {
    private static final Logger log = LoggerFactory.getLogger(AdminServer.class);
    public static final String PORT_FILE = "admin.port";
    public static final String TOKEN_FILE = "admin.token";
    private static final long DRAIN_LIMIT = 256L << 20;

    private final Path dataDir;
    private final AdminRoutes routes;
    private final String token;
    private HttpServer server;
    private ExecutorService executor;

    public AdminServer(Path dataDir, AdminRoutes routes) {
        this.dataDir = dataDir;
        this.routes = routes;
        byte[] secret = new byte[24];
        new SecureRandom().nextBytes(secret);
        this.token = HexFormat.of().formatHex(secret);
    }

    public int start() throws IOException {
        server = HttpServers.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0));
        executor = HttpServers.threads("admin");
        server.setExecutor(executor);
        server.createContext("/v1/", this::handle);
        server.start();
        int port = server.getAddress().getPort();
        writePrivate(dataDir.resolve(TOKEN_FILE), token);
        writePrivate(dataDir.resolve(PORT_FILE), Integer.toString(port));
        log.info("admin channel on {}:{}", server.getAddress().getAddress().getHostAddress(), port);
        return port;
    }

    public InetSocketAddress address() {
        return server.getAddress();
    }

    private void handle(HttpExchange ex) {
        try (ex) {
            if (!ex.getRemoteAddress().getAddress().isLoopbackAddress()) {
                reply(ex, 403, Map.of("error", "the admin channel is local-only"));
                return;
            }
            String auth = ex.getRequestHeaders().getFirst("Authorization");
            if (auth == null
                    || !MessageDigest.isEqual(
                            ("Bearer " + token).getBytes(StandardCharsets.UTF_8),
                            auth.getBytes(StandardCharsets.UTF_8))) {
                reply(ex, 401, Map.of("error", "missing or wrong admin token"));
                return;
            }
            String route =
                    ex.getRequestMethod() + " " + ex.getRequestURI().getPath().substring("/v1".length());
            Map<String, String> query = query(ex.getRequestURI().getRawQuery());
            InputStream body = ex.getRequestBody();
            try {
                Object result = routes.route(route, query, body);
                if (result == null) {
                    refuse(ex, body, 404, "no such admin request: " + route);
                } else {
                    reply(ex, 200, result);
                }
            } catch (AdminApi.AdminException e) {
                log.info("admin request {} refused: {}", route, e.getMessage());
                refuse(ex, body, 400, e.getMessage());
            } catch (RuntimeException e) {
                log.warn("admin request {} failed", route, e);
                refuse(ex, body, 500, "internal error: " + e);
            }
        } catch (IOException e) {
            log.debug("admin connection failed: {}", e.getMessage());
        }
    }

    /**
     * Answers with an error after reading what is left of the request body: a client still sending
     * (an add refused part way) would otherwise be reset and lose the answer. Past
     * {@link #DRAIN_LIMIT} the connection is closed instead.
     */
    private static void refuse(HttpExchange ex, InputStream body, int code, String error) throws IOException {
        long left = DRAIN_LIMIT;
        byte[] sink = new byte[64 * 1024];
        int n;
        while (left > 0 && (n = body.read(sink, 0, (int) Math.min(sink.length, left))) >= 0) {
            left -= n;
        }
        // not kept alive: the client must not stream its next request into a connection in this state
        ex.getResponseHeaders().set("Connection", "close");
        reply(ex, code, Map.of("error", error));
    }

    private static void reply(HttpExchange ex, int code, Object value) throws IOException {
        byte[] bytes = Json.write(value).getBytes(StandardCharsets.UTF_8);
        ex.getResponseHeaders().set("Content-Type", "application/json");
        ex.sendResponseHeaders(code, bytes.length);
        try (OutputStream out = ex.getResponseBody()) {
            out.write(bytes);
        }
    }

    static Map<String, String> query(String raw) {
        Map<String, String> out = new HashMap<>();
        if (raw == null || raw.isEmpty()) {
            return out;
        }
        for (String pair : raw.split("&")) {
            int eq = pair.indexOf('=');
            String k = eq < 0 ? pair : pair.substring(0, eq);
            String v = eq < 0 ? "" : pair.substring(eq + 1);
            out.put(URLDecoder.decode(k, StandardCharsets.UTF_8), URLDecoder.decode(v, StandardCharsets.UTF_8));
        }
        return out;
    }

    private static void writePrivate(Path file, String content) throws IOException {
        Path tmp = file.resolveSibling(file.getFileName() + ".tmp");
        Files.deleteIfExists(tmp);
        Files.createFile(tmp, PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rw-------")));
        Files.writeString(tmp, content + "\n");
        Files.move(tmp, file, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
    }

    @Override
    public void close() {
        if (server != null) {
            HttpServers.stop(server, executor);
            try {
                Files.deleteIfExists(dataDir.resolve(PORT_FILE));
            } catch (IOException e) {
                log.debug("cannot remove {}: {}", PORT_FILE, e.getMessage());
            }
            server = null;
        }
    }
}

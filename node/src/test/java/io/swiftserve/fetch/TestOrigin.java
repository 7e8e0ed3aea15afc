package io.swiftserve.fetch;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * An HTTP origin for fetch tests (JDK HttpServer on loopback): serves {@link #content} at
 * {@code /file.bin}, with or without Range support, at most {@link #bytesPerSecond} per TCP
 * connection (a token pace per remote address:port, as a per-connection shaper would), optionally
 * corrupting one byte of every response that covers it, plus a 404, a redirect loop and a redirect
 * to {@link #redirectTo}.
 *
 * <p>By default it listens on {@link #PUBLIC}, 127.0.0.2: helpers refuse loopback targets unless
 * allow-listed, so fetch tests allow exactly that address ({@link #ALLOW}) and let it stand in for a
 * public origin, while a service on another loopback address (127.0.0.3) stays an internal one.
 */
final class TestOrigin implements AutoCloseable {
    private static final Pattern RANGE = Pattern.compile("bytes=(\\d+)-(\\d*)");

    volatile byte[] content;
    volatile boolean ranges = true;
    volatile long bytesPerSecond = Long.MAX_VALUE;
    /** A byte offset to serve flipped (-1: none). */
    volatile long corruptAt = -1;
    /** After this many range requests, serve {@link #replacement} instead (-1: never). */
    volatile int swapAfter = -1;

    volatile byte[] replacement;
    /** The ETag header to send (null: none, as by default). */
    volatile String etag;
    /** Answer this many requests with 503 first. */
    final AtomicInteger failNext = new AtomicInteger();

    final AtomicInteger rangeRequests = new AtomicInteger();
    /** Requests for /file.bin, answered or not, and the Host header of the last one. */
    final AtomicInteger requests = new AtomicInteger();

    volatile String lastHost;
    /** Where /redirect points (absolute URL). */
    volatile String redirectTo = "/file.bin";

    static final String PUBLIC = "127.0.0.2";
    /** The allow-list fetch test clusters run with: the test origin's address and nothing else. */
    static final java.util.List<String> ALLOW = java.util.List.of(PUBLIC + "/32");

    final AtomicLong bytesServed = new AtomicLong();
    /** Every piece written, as {from, to exclusive}, but a probe's single byte ({@code bytes=0-0}). */
    final java.util.Queue<long[]> piecesServed = new java.util.concurrent.ConcurrentLinkedQueue<>();

    final Map<String, AtomicLong> perConnection = new ConcurrentHashMap<>();

    private final HttpServer server;
    private final ExecutorService pool = Executors.newCachedThreadPool(r -> {
        Thread t = new Thread(r, "test-origin");
        t.setDaemon(true);
        return t;
    });
    private final Map<String, long[]> pace = new ConcurrentHashMap<>();

    TestOrigin(byte[] content) throws IOException {
        this(content, PUBLIC);
    }

    TestOrigin(byte[] content, String host) throws IOException {
        this(content, host, 0);
    }

    TestOrigin(byte[] content, String host, int port) throws IOException {
        this.content = content;
        server = HttpServer.create(new InetSocketAddress(host, port), 64);
        server.createContext("/file.bin", this::serve);
        server.createContext("/missing.bin", ex -> reply(ex, 404, "not found"));
        server.createContext("/loop-a", ex -> redirect(ex, "/loop-b"));
        server.createContext("/loop-b", ex -> redirect(ex, "/loop-a"));
        server.createContext("/to-file", ex -> redirect(ex, "file:///etc/passwd"));
        server.createContext("/moved.bin", ex -> redirect(ex, "/file.bin"));
        server.createContext("/redirect", ex -> redirect(ex, redirectTo));
        server.setExecutor(pool);
        server.start();
    }

    String url(String path) {
        return "http://" + server.getAddress().getAddress().getHostAddress() + ":"
                + server.getAddress().getPort() + path;
    }

    String url() {
        return url("/file.bin");
    }

    int port() {
        return server.getAddress().getPort();
    }

    private void serve(HttpExchange ex) throws IOException {
        requests.incrementAndGet();
        lastHost = ex.getRequestHeaders().getFirst("Host");
        try (ex) {
            ex.getRequestBody().readAllBytes();
            if (failNext.getAndUpdate(n -> Math.max(0, n - 1)) > 0) {
                reply(ex, 503, "try later");
                return;
            }
            String range = ex.getRequestHeaders().getFirst("Range");
            byte[] body = content;
            long from = 0;
            long to = body.length - 1L;
            int status = 200;
            if (ranges && range != null) {
                Matcher m = RANGE.matcher(range.trim());
                if (m.matches()) {
                    if (swapAfter >= 0 && rangeRequests.incrementAndGet() > swapAfter) {
                        body = replacement;
                    }
                    from = Long.parseLong(m.group(1));
                    to = m.group(2).isEmpty()
                            ? body.length - 1L
                            : Math.min(Long.parseLong(m.group(2)), body.length - 1L);
                    if (from >= body.length) {
                        ex.getResponseHeaders().set("Content-Range", "bytes */" + body.length);
                        ex.sendResponseHeaders(416, -1);
                        return;
                    }
                    status = 206;
                    ex.getResponseHeaders().set("Content-Range", "bytes " + from + "-" + to + "/" + body.length);
                }
            }
            if (ranges) {
                ex.getResponseHeaders().set("Accept-Ranges", "bytes");
            }
            String tag = etag;
            if (tag != null) {
                ex.getResponseHeaders().set("ETag", tag);
            }
            long length = to - from + 1;
            ex.sendResponseHeaders(status, length == 0 ? -1 : length);
            String conn = ex.getRemoteAddress().toString();
            OutputStream out = ex.getResponseBody();
            long[] next = pace.computeIfAbsent(conn, k -> new long[] {System.nanoTime()});
            int slice = 32 * 1024;
            for (long pos = from; pos <= to; pos += slice) {
                int n = (int) Math.min(slice, to + 1 - pos);
                byte[] part = java.util.Arrays.copyOfRange(body, (int) pos, (int) pos + n);
                long c = corruptAt;
                if (c >= pos && c < pos + n) {
                    part[(int) (c - pos)] ^= 0x5a;
                }
                if (bytesPerSecond != Long.MAX_VALUE) {
                    long now = System.nanoTime();
                    // a token bucket 50 ms deep: a writer that slept too long may catch up that much, idle time earns
                    // nothing
                    long start = now - next[0] < 50_000_000L ? next[0] : now;
                    next[0] = start + n * 1_000_000_000L / bytesPerSecond;
                    long wait = next[0] - now;
                    if (wait > 0) {
                        try {
                            Thread.sleep(wait / 1_000_000, (int) (wait % 1_000_000));
                        } catch (InterruptedException e) {
                            Thread.currentThread().interrupt();
                            return;
                        }
                    }
                }
                out.write(part);
                bytesServed.addAndGet(n);
                if (to > 0) {
                    piecesServed.add(new long[] {pos, pos + n});
                }
                perConnection.computeIfAbsent(conn, k -> new AtomicLong()).addAndGet(n);
            }
        } catch (IOException e) {
            // the client went away (a killed helper, a cancelled run)
        }
    }

    private static void redirect(HttpExchange ex, String location) throws IOException {
        try (ex) {
            ex.getResponseHeaders().set("Location", location);
            ex.sendResponseHeaders(302, -1);
        }
    }

    private static void reply(HttpExchange ex, int status, String text) throws IOException {
        try (ex) {
            byte[] b = text.getBytes(java.nio.charset.StandardCharsets.UTF_8);
            ex.sendResponseHeaders(status, b.length);
            ex.getResponseBody().write(b);
        }
    }

    @Override
    public void close() {
        server.stop(0);
        pool.shutdownNow();
    }
}

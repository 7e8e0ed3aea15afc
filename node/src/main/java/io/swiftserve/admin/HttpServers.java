package io.swiftserve.admin;

import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;

/** What the admin channel and the status page share about running a JDK HTTP server. */
final class HttpServers {
    private HttpServers() {}

    /**
     * A server whose sockets send without Nagle's delay. The JDK's server writes an answer's headers
     * and its body as two segments; with Nagle the body waits for the client's delayed ACK of the
     * headers, 40 ms on Linux, so every CLI call took 40 ms longer than its work (measured: 1,000
     * adds of 4 KiB in a row, 51.5 ms each with the default, 16.9 ms without the delay). The JDK reads
     * the switch once, when its server classes load, so it is set before the first server is made.
     */
    static HttpServer create(InetSocketAddress address) throws IOException {
        System.setProperty("sun.net.httpserver.nodelay", "true");
        return HttpServer.create(address, 16);
    }

    /** Two daemon threads: enough for a CLI and a page, and they never keep the JVM alive. */
    static ExecutorService threads(String name) {
        return Executors.newFixedThreadPool(2, r -> {
            Thread t = new Thread(r, name);
            t.setDaemon(true);
            return t;
        });
    }

    /** Stops accepting, then waits for requests in flight, which may still be reading the store. */
    static void stop(HttpServer server, ExecutorService threads) {
        server.stop(0);
        threads.shutdownNow();
        try {
            threads.awaitTermination(5, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}

package io.swiftserve.admin;

import com.sun.net.httpserver.HttpServer;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;

/** What the admin channel and the status page share about running a JDK HTTP server. */
final class HttpServers {
    private HttpServers() {}

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

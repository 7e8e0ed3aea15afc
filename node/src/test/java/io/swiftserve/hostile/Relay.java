package io.swiftserve.hostile;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.LongConsumer;

/**
 * What every host on the path in these tests shares: a listener on loopback that, for each dialer,
 * opens a connection of its own to the target and runs one thread per direction. When either
 * direction ends, both sockets close, so the other direction ends too. What a direction does with
 * the bytes (copy them, parse them, count them, cut the connection) is its owner's business.
 */
final class Relay implements AutoCloseable {
    /** Opens the relay's own connection to the target, once per dialer. */
    interface Upstream {
        Socket open() throws IOException;
    }

    /** Starts the two directions of one relayed connection, each with {@link #pump}. */
    interface Connection {
        void relay(Socket dialer, Socket listener) throws IOException;
    }

    /** One direction of one connection; returns or throws when a side closes. */
    interface Direction {
        void run() throws IOException;
    }

    private final ServerSocket server;
    private final Upstream upstream;
    private final Connection connection;
    private final List<Socket> sockets = new CopyOnWriteArrayList<>();

    /** Relays every connection {@code server} (not yet bound) accepts; binds it to an ephemeral loopback port. */
    Relay(ServerSocket server, String name, Upstream upstream, Connection connection) throws IOException {
        this.server = server;
        this.upstream = upstream;
        this.connection = connection;
        server.bind(new InetSocketAddress("127.0.0.1", 0));
        Thread accept = new Thread(this::acceptLoop, name + "-accept");
        accept.setDaemon(true);
        accept.start();
    }

    static Socket dial(int port) throws IOException {
        return new Socket("127.0.0.1", port);
    }

    int port() {
        return server.getLocalPort();
    }

    private void acceptLoop() {
        while (!server.isClosed()) {
            Socket dialer;
            try {
                dialer = server.accept();
            } catch (IOException e) {
                return; // closed
            }
            sockets.add(dialer);
            try {
                Socket listener = upstream.open();
                sockets.add(listener);
                dialer.setTcpNoDelay(true);
                listener.setTcpNoDelay(true);
                connection.relay(dialer, listener);
            } catch (IOException e) {
                // the target refused, or a TLS handshake failed on one side: this dialer's connection ends here
                close(dialer);
            }
        }
    }

    /** Runs one direction on a thread of its own; when it ends, {@code a} and {@code b} close. */
    static void pump(String name, Direction direction, Socket a, Socket b) {
        Thread t = new Thread(
                () -> {
                    try {
                        direction.run();
                    } catch (IOException | RuntimeException e) {
                        // a side closed or was reset, or sent what the direction could not parse
                    } finally {
                        close(a);
                        close(b);
                    }
                },
                name);
        t.setDaemon(true);
        t.start();
    }

    /** Copies bytes as they come until {@code in} ends, telling {@code relayed} how many each time. */
    static void copy(InputStream in, OutputStream out, LongConsumer relayed) throws IOException {
        byte[] buf = new byte[64 << 10];
        for (int n = in.read(buf); n >= 0; n = in.read(buf)) {
            out.write(buf, 0, n);
            out.flush();
            relayed.accept(n);
        }
    }

    static void close(Socket s) {
        try {
            s.close();
        } catch (IOException ignored) {
            // closing anyway
        }
    }

    @Override
    public void close() {
        try {
            server.close();
        } catch (IOException ignored) {
            // closing anyway
        }
        sockets.forEach(Relay::close);
    }
}

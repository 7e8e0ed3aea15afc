package io.swiftserve.hostile;

import io.swiftserve.proto.Auth;
import io.swiftserve.proto.Envelope;
import java.io.DataInputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.util.concurrent.CompletableFuture;

/**
 * An on-path host between a dialer and a node, on real sockets: it reads the dialer's frames as
 * they pass, keeps the first Auth it sees and resets both connections instead of forwarding it
 * (the "reset the honest joiner" step of an invite theft). Later connections pass through untouched.
 */
final class TapProxy implements AutoCloseable {
    private final ServerSocket server;
    private final int target;
    private final CompletableFuture<Auth> captured = new CompletableFuture<>();

    private TapProxy(int target) throws IOException {
        this.server = new ServerSocket(0, 8, InetAddress.getLoopbackAddress());
        this.target = target;
        Thread acceptor = new Thread(this::acceptLoop, "tap-accept");
        acceptor.setDaemon(true);
        acceptor.start();
    }

    static TapProxy to(int targetPort) throws IOException {
        return new TapProxy(targetPort);
    }

    int port() {
        return server.getLocalPort();
    }

    /** The first Auth a dialer sent through the tap. */
    CompletableFuture<Auth> captured() {
        return captured;
    }

    private void acceptLoop() {
        while (!server.isClosed()) {
            try {
                Socket dialer = server.accept();
                Socket node = new Socket(InetAddress.getLoopbackAddress(), target);
                start("tap-down", () -> node.getInputStream().transferTo(dialer.getOutputStream()), dialer, node);
                start("tap-up", () -> upstream(dialer, node), dialer, node);
            } catch (IOException e) {
                return;
            }
        }
    }

    private void upstream(Socket dialer, Socket node) throws IOException {
        DataInputStream in = new DataInputStream(dialer.getInputStream());
        OutputStream out = node.getOutputStream();
        while (true) {
            int len = in.readInt();
            byte[] body = new byte[len];
            in.readFully(body);
            Envelope e = Envelope.parseFrom(body);
            if (e.hasAuth() && captured.complete(e.getAuth())) {
                reset(dialer);
                reset(node);
                return;
            }
            out.write(RawPeer.frame(body));
            out.flush();
        }
    }

    private static void reset(Socket s) throws IOException {
        s.setSoLinger(true, 0);
        s.close();
    }

    /** Runs one direction; when it ends, both sockets close, so the other direction ends too. */
    private static void start(String name, IoTask task, Socket... sockets) {
        Thread t = new Thread(() -> {
            try {
                task.run();
            } catch (IOException e) {
                // a side closed or was reset
            } finally {
                for (Socket s : sockets) {
                    try {
                        s.close();
                    } catch (IOException ignored) {
                        // closing anyway
                    }
                }
            }
        }, name);
        t.setDaemon(true);
        t.start();
    }

    @Override
    public void close() throws IOException {
        server.close();
    }

    private interface IoTask {
        void run() throws IOException;
    }
}

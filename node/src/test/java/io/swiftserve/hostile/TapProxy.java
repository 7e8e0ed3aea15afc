package io.swiftserve.hostile;

import io.swiftserve.proto.Auth;
import io.swiftserve.proto.Envelope;
import java.io.DataInputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.net.ServerSocket;
import java.net.Socket;
import java.util.concurrent.CompletableFuture;

/**
 * An on-path host between a dialer and a node, on real sockets: it reads the dialer's frames as
 * they pass, keeps the first Auth it sees and resets both connections instead of forwarding it
 * (the "reset the honest joiner" step of an invite theft). Later connections pass through untouched.
 */
final class TapProxy implements AutoCloseable {
    private final CompletableFuture<Auth> captured = new CompletableFuture<>();
    private final Relay relay;

    private TapProxy(int target) throws IOException {
        relay = new Relay(new ServerSocket(), "tap", () -> Relay.dial(target), this::tapAuth);
    }

    static TapProxy to(int targetPort) throws IOException {
        return new TapProxy(targetPort);
    }

    int port() {
        return relay.port();
    }

    /** The first Auth a dialer sent through the tap. */
    CompletableFuture<Auth> captured() {
        return captured;
    }

    private void tapAuth(Socket dialer, Socket node) {
        Relay.pump("tap-down", () -> node.getInputStream().transferTo(dialer.getOutputStream()), node, dialer);
        Relay.pump("tap-up", () -> upstream(dialer, node), dialer, node);
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

    @Override
    public void close() {
        relay.close();
    }
}

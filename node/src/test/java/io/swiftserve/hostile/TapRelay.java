package io.swiftserve.hostile;

import java.io.ByteArrayOutputStream;
import java.io.DataInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;

/**
 * A host on the path between two nodes: a TCP relay in front of {@code target} that forwards every
 * connection unit by unit (TLS records, or cleartext frames, whichever the dialer opens with), keeps a copy of all bytes in both
 * directions, and can insert bytes of its own between two units of the dialer-to-listener stream.
 * It sees and may alter exactly what a LAN host that owns the path could.
 */
public final class TapRelay implements AutoCloseable {
    private final ServerSocket server;
    private final int target;
    private final ByteArrayOutputStream toListener = new ByteArrayOutputStream();
    private final ByteArrayOutputStream toDialer = new ByteArrayOutputStream();
    private final List<Socket> sockets = new CopyOnWriteArrayList<>();
    /** The stream to the listener of every connection, newest last; writes are whole units under its lock. */
    private final List<OutputStream> upstreams = new CopyOnWriteArrayList<>();
    private final List<Socket> upstreamSockets = new CopyOnWriteArrayList<>();

    public TapRelay(int target) throws IOException {
        this.server = new ServerSocket();
        server.bind(new InetSocketAddress("127.0.0.1", 0));
        this.target = target;
        Thread accept = new Thread(this::acceptLoop, "tap-relay-accept");
        accept.setDaemon(true);
        accept.start();
    }

    public int port() {
        return server.getLocalPort();
    }

    public String address() {
        return "127.0.0.1:" + port();
    }

    private void acceptLoop() {
        while (!server.isClosed()) {
            try {
                Socket down = server.accept();
                Socket up = new Socket("127.0.0.1", target);
                sockets.add(down);
                sockets.add(up);
                up.setTcpNoDelay(true);
                down.setTcpNoDelay(true);
                OutputStream upOut = up.getOutputStream();
                upstreams.add(upOut);
                upstreamSockets.add(up);
                // a unit is a TLS record (5-byte header) when the dialer opens with a TLS handshake record, else a frame
                InputStream downIn = new java.io.PushbackInputStream(down.getInputStream(), 1);
                int first = downIn.read();
                if (first < 0) {
                    continue;
                }
                ((java.io.PushbackInputStream) downIn).unread(first);
                boolean tls = first == 0x16;
                pump(downIn, upOut, toListener, down, up, tls);
                pump(up.getInputStream(), down.getOutputStream(), toDialer, up, down, tls);
            } catch (IOException e) {
                // closed
            }
        }
    }

    private void pump(InputStream from, OutputStream to, ByteArrayOutputStream copy, Socket a, Socket b, boolean tlsRecords) {
        Thread t = new Thread(() -> {
            DataInputStream in = new DataInputStream(from);
            int headerLength = tlsRecords ? 5 : 4;
            try {
                while (true) {
                    byte[] header = new byte[headerLength];
                    in.readFully(header);
                    int length = tlsRecords ? ((header[3] & 0xff) << 8) | (header[4] & 0xff)
                            : ((header[0] & 0xff) << 24) | ((header[1] & 0xff) << 16) | ((header[2] & 0xff) << 8) | (header[3] & 0xff);
                    byte[] body = new byte[length];
                    in.readFully(body);
                    synchronized (to) {
                        to.write(header);
                        to.write(body);
                        to.flush();
                    }
                    synchronized (copy) {
                        copy.write(header);
                        copy.write(body);
                    }
                }
            } catch (IOException | RuntimeException e) {
                close(a);
                close(b);
            }
        }, "tap-relay-pump");
        t.setDaemon(true);
        t.start();
    }

    /** Inserts {@code bytes} between two units of the newest connection's dialer-to-listener stream. */
    public void injectTowardsListener(byte[] bytes) throws IOException {
        OutputStream up = upstreams.get(upstreams.size() - 1);
        synchronized (up) {
            up.write(bytes);
            up.flush();
        }
    }

    /** True once the listener closed the newest relayed connection. */
    public boolean newestClosed() {
        Socket up = upstreamSockets.get(upstreamSockets.size() - 1);
        return up.isClosed();
    }

    public int connections() {
        return upstreams.size();
    }

    /** Everything seen so far, both directions. */
    public byte[] captured() {
        ByteArrayOutputStream all = new ByteArrayOutputStream();
        synchronized (toListener) {
            all.writeBytes(toListener.toByteArray());
        }
        synchronized (toDialer) {
            all.writeBytes(toDialer.toByteArray());
        }
        return all.toByteArray();
    }

    private static void close(Socket s) {
        try {
            s.close();
        } catch (IOException ignored) {
            // closing
        }
    }

    @Override
    public void close() {
        try {
            server.close();
        } catch (IOException ignored) {
            // closing
        }
        sockets.forEach(TapRelay::close);
    }
}

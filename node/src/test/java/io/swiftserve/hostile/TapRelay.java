package io.swiftserve.hostile;

import java.io.ByteArrayOutputStream;
import java.io.DataInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.PushbackInputStream;
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
    private static final int TLS_HANDSHAKE_RECORD = 0x16;

    private final ByteArrayOutputStream toListener = new ByteArrayOutputStream();
    private final ByteArrayOutputStream toDialer = new ByteArrayOutputStream();
    /** The stream to the listener of every connection, newest last; writes are whole units under its lock. */
    private final List<OutputStream> upstreams = new CopyOnWriteArrayList<>();

    private final Relay relay;

    public TapRelay(int target) throws IOException {
        relay = new Relay(new ServerSocket(), "tap-relay", () -> Relay.dial(target), this::unitByUnit);
    }

    public int port() {
        return relay.port();
    }

    public String address() {
        return "127.0.0.1:" + port();
    }

    private void unitByUnit(Socket dialer, Socket listener) throws IOException {
        OutputStream upOut = listener.getOutputStream();
        upstreams.add(upOut);
        PushbackInputStream downIn = new PushbackInputStream(dialer.getInputStream(), 1);
        int first = downIn.read();
        if (first < 0) {
            throw new IOException("the dialer closed before its first byte");
        }
        downIn.unread(first);
        boolean tls = first == TLS_HANDSHAKE_RECORD;
        Relay.pump("tap-relay-up", () -> forward(downIn, upOut, toListener, tls), dialer, listener);
        Relay.pump(
                "tap-relay-down",
                () -> forward(listener.getInputStream(), dialer.getOutputStream(), toDialer, tls),
                listener,
                dialer);
    }

    /** Forwards whole units (a 5-byte TLS record header or a 4-byte frame length, then the body) and copies each. */
    private static void forward(InputStream from, OutputStream to, ByteArrayOutputStream copy, boolean tlsRecords)
            throws IOException {
        DataInputStream in = new DataInputStream(from);
        int headerLength = tlsRecords ? 5 : 4;
        while (true) {
            byte[] header = new byte[headerLength];
            in.readFully(header);
            int length = tlsRecords
                    ? ((header[3] & 0xff) << 8) | (header[4] & 0xff)
                    : ((header[0] & 0xff) << 24)
                            | ((header[1] & 0xff) << 16)
                            | ((header[2] & 0xff) << 8)
                            | (header[3] & 0xff);
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
    }

    /** Inserts {@code bytes} between two units of the newest connection's dialer-to-listener stream. */
    public void injectTowardsListener(byte[] bytes) throws IOException {
        OutputStream up = upstreams.get(upstreams.size() - 1);
        synchronized (up) {
            up.write(bytes);
            up.flush();
        }
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

    @Override
    public void close() {
        relay.close();
    }
}

package io.swiftserve.tools;

import com.google.protobuf.ByteString;
import io.swiftserve.chain.Hash;
import io.swiftserve.identity.NodeId;
import io.swiftserve.identity.NodeKey;
import io.swiftserve.identity.Signatures;
import io.swiftserve.net.AuthMessage;
import io.swiftserve.net.ChannelBinding;
import io.swiftserve.net.Transport;
import io.swiftserve.net.Wire;
import io.swiftserve.proto.Auth;
import io.swiftserve.proto.Envelope;
import io.swiftserve.proto.Hello;
import java.io.BufferedInputStream;
import java.io.BufferedOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.security.SecureRandom;
import java.time.Duration;
import java.util.function.Consumer;

/**
 * A blocking socket (TLS unless cleartext is asked for) speaking the peer protocol, for {@code swiftserve proto call}: connect,
 * optionally do the dialer's side of the handshake with a node key, send envelopes, read replies.
 * Every read is bounded by a timeout. {@code trace} sees every frame sent ("> ...") and received
 * ("< ..."), handshake included.
 */
public final class ProtoClient implements AutoCloseable {
    public static final String AGENT = "swiftserve-proto/0.1.0";
    private static final SecureRandom RANDOM = new SecureRandom();

    private final Socket socket;
    private final ChannelBinding binding;
    private final String peer;
    private final FrameReader reader;
    private final OutputStream out;
    private final boolean hex;
    private final Consumer<String> trace;
    private boolean closedByPeer;

    private ProtoClient(Socket socket, ChannelBinding binding, String peer, boolean hex, Consumer<String> trace)
            throws IOException {
        this.socket = socket;
        this.binding = binding;
        this.peer = peer;
        this.reader = new FrameReader(new BufferedInputStream(socket.getInputStream(), 64 << 10));
        this.out = new BufferedOutputStream(socket.getOutputStream(), 64 << 10);
        this.hex = hex;
        this.trace = trace;
    }

    /** The node refused the handshake (its ErrorReply), or answered it wrongly. */
    public static final class HandshakeException extends Exception {
        public HandshakeException(String message) {
            super(message, null, false, false);
        }
    }

    /**
     * Connects within {@code timeout}; the message of a failure names the address. {@code hex}: how
     * the trace shows bytes fields (see {@link Frames#format(Envelope, boolean)}).
     */
    public static ProtoClient connect(String host, int port, Duration timeout, boolean hex, Consumer<String> trace)
            throws IOException {
        return connect(host, port, Transport.TLS, timeout, hex, trace);
    }

    /** As {@link #connect(String, int, Duration, boolean, Consumer)}, over TLS (what nodes require by default) or cleartext. */
    public static ProtoClient connect(
            String host, int port, Transport transport, Duration timeout, boolean hex, Consumer<String> trace)
            throws IOException {
        String where = host + ":" + port;
        Socket socket = new Socket();
        try {
            socket.setTcpNoDelay(true);
            socket.connect(new InetSocketAddress(host, port), (int) Math.max(1, timeout.toMillis()));
        } catch (IOException e) {
            socket.close();
            throw new IOException(
                    "cannot connect to " + where + ": " + (e.getMessage() == null ? e.toString() : e.getMessage()));
        }
        if (transport == Transport.CLEARTEXT) {
            return new ProtoClient(socket, ChannelBinding.NONE, where, hex, trace);
        }
        try {
            socket.setSoTimeout((int) Math.max(1, Math.max(timeout.toMillis(), Wire.HANDSHAKE_TIMEOUT_MS)));
            TlsSockets.Wrapped tls = TlsSockets.wrap(socket, host, port);
            trace.accept("# TLS 1.3 up with " + where);
            return new ProtoClient(tls.socket(), tls.binding(), where, hex, trace);
        } catch (IOException e) {
            socket.close();
            throw e;
        }
    }

    /**
     * The dialer's side of the handshake (PROTOCOL.md): our Hello, the node's Hello, our Auth, the
     * node's Auth. Returns the node's id once its key proof checked out.
     */
    public NodeId handshake(NodeKey key, Hash networkId) throws IOException, HandshakeException {
        byte[] nonce = new byte[32];
        RANDOM.nextBytes(nonce);
        send(Envelope.newBuilder()
                .setHello(Hello.newBuilder()
                        .setMagic(Wire.MAGIC)
                        .setProtocolVersion(Wire.PROTOCOL_VERSION)
                        .setNetworkId(ByteString.copyFrom(networkId.bytes()))
                        .setNodeKey(ByteString.copyFrom(key.id().bytes()))
                        .setNonce(ByteString.copyFrom(nonce))
                        .setAgent(AGENT))
                .build());
        Duration limit = Duration.ofMillis(Wire.HANDSHAKE_TIMEOUT_MS);
        Hello hello = expect(Envelope.BodyCase.HELLO, limit).getHello();
        if (hello.getMagic() != Wire.MAGIC) {
            throw new HandshakeException(
                    peer + " is not a swiftserve node (magic " + Integer.toHexString(hello.getMagic()) + ")");
        }
        if (hello.getProtocolVersion() != Wire.PROTOCOL_VERSION) {
            throw new HandshakeException(peer + " speaks protocol version " + hello.getProtocolVersion()
                    + ", this tool " + Wire.PROTOCOL_VERSION);
        }
        if (!hello.getNetworkId().equals(ByteString.copyFrom(networkId.bytes()))) {
            throw new HandshakeException(peer + " answered for another network");
        }
        if (hello.getNodeKey().size() != NodeId.LENGTH || hello.getNonce().size() != 32) {
            throw new HandshakeException(peer + " sent a malformed Hello");
        }
        NodeId node = NodeId.of(hello.getNodeKey().toByteArray());
        byte[] signature = key.sign(
                Signatures.Domain.AUTH,
                AuthMessage.of(networkId, hello.getNonce().toByteArray(), key.id(), node, binding));
        send(Envelope.newBuilder()
                .setAuth(Auth.newBuilder().setSignature(ByteString.copyFrom(signature)))
                .build());
        Auth auth = expect(Envelope.BodyCase.AUTH, limit).getAuth();
        if (!Signatures.verify(
                node,
                Signatures.Domain.AUTH,
                AuthMessage.of(networkId, nonce, node, key.id(), binding),
                auth.getSignature().toByteArray())) {
            throw new HandshakeException("the key proof of " + peer + " (" + node.shortId() + ") failed");
        }
        return node;
    }

    private Envelope expect(Envelope.BodyCase type, Duration limit) throws IOException, HandshakeException {
        Envelope m;
        try {
            m = receive(limit);
        } catch (FrameReader.BadFrameException e) {
            throw new HandshakeException(peer + " sent a bad " + e.getMessage());
        }
        if (m == null) {
            throw new HandshakeException(
                    closedByPeer
                            ? peer + " closed the connection during the handshake"
                            : peer + " did not answer the handshake within " + limit.toMillis() + " ms");
        }
        if (m.getBodyCase() == Envelope.BodyCase.ERROR) {
            throw new HandshakeException(peer + " refused the handshake: "
                    + m.getError().getMessage() + " (error " + m.getError().getCode() + ")");
        }
        if (m.getBodyCase() != type) {
            throw new HandshakeException(
                    peer + " sent " + m.getBodyCase().name().toLowerCase(java.util.Locale.ROOT)
                            + " where the handshake expects " + type.name().toLowerCase(java.util.Locale.ROOT));
        }
        return m;
    }

    /** Writes one frame and flushes it. */
    public void send(Envelope envelope) throws IOException {
        trace.accept("> " + Frames.format(envelope, hex));
        out.write(Frames.frame(envelope));
        out.flush();
    }

    /**
     * The next frame, or null when nothing arrived within {@code idle} or the node closed the
     * connection (see {@link #closedByPeer()}).
     */
    public Envelope receive(Duration idle) throws IOException, FrameReader.BadFrameException {
        if (closedByPeer) {
            return null;
        }
        socket.setSoTimeout((int) Math.max(1, idle.toMillis()));
        Envelope m;
        try {
            m = reader.next();
        } catch (SocketTimeoutException e) {
            return null;
        } catch (java.net.SocketException e) {
            // a reset after the node's last frame (it closes right after an ErrorReply) ends the exchange too
            closedByPeer = true;
            return null;
        }
        if (m == null) {
            closedByPeer = true;
            return null;
        }
        trace.accept("< " + Frames.format(m, hex));
        return m;
    }

    /** True once the node closed the connection. */
    public boolean closedByPeer() {
        return closedByPeer;
    }

    public String peer() {
        return peer;
    }

    @Override
    public void close() throws IOException {
        socket.close();
    }
}

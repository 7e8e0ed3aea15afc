package io.swiftserve.hostile;

import com.google.protobuf.ByteString;
import io.swiftserve.chain.Hash;
import io.swiftserve.chain.InvalidException;
import io.swiftserve.chain.InviteToken;
import io.swiftserve.identity.NodeId;
import io.swiftserve.identity.NodeKey;
import io.swiftserve.identity.Signatures;
import io.swiftserve.net.AuthMessage;
import io.swiftserve.net.ChannelBinding;
import io.swiftserve.net.Wire;
import io.swiftserve.proto.Auth;
import io.swiftserve.proto.Envelope;
import io.swiftserve.proto.Hello;
import io.swiftserve.tools.TlsSockets;
import java.io.DataInputStream;
import java.io.EOFException;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.ByteBuffer;
import java.security.SecureRandom;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.function.Predicate;

/**
 * A hand-driven peer over a blocking socket, TLS as nodes require unless made with
 * {@link #connectCleartext}: it writes whatever bytes a test wants (valid
 * frames, garbage, half frames) and a reader thread collects every frame the node sends back, so a
 * test can see exactly what a hostile client learns. Every wait is bounded.
 */
public final class RawPeer implements AutoCloseable {
    private static final SecureRandom RANDOM = new SecureRandom();

    private final Socket socket;
    private final ChannelBinding binding;
    private final OutputStream out;
    private final LinkedBlockingQueue<Envelope> inbox = new LinkedBlockingQueue<>();
    /** Every envelope received, in order (the inbox is consumed by polls; this is not). */
    public final List<Envelope> received = new CopyOnWriteArrayList<>();

    private volatile boolean closedByPeer;
    private volatile long closedAtNanos;
    private volatile boolean readingStopped;
    private final Thread reader;

    private RawPeer(Socket socket, ChannelBinding binding) throws IOException {
        this.socket = socket;
        this.binding = binding;
        this.out = socket.getOutputStream();
        this.reader = new Thread(this::readLoop, "rawpeer-reader");
        reader.setDaemon(true);
        reader.start();
    }

    public static RawPeer connect(int port) throws IOException {
        return connect("127.0.0.1", port, null);
    }

    /** Connects from {@code localAddress} (e.g. 127.0.0.2), or any when null. */
    public static RawPeer connect(String host, int port, String localAddress) throws IOException {
        Socket s = plain(host, port, localAddress);
        s.setSoTimeout(10_000);
        TlsSockets.Wrapped tls = TlsSockets.wrap(s, host, port);
        tls.socket().setSoTimeout(0);
        return new RawPeer(tls.socket(), tls.binding());
    }

    /** A cleartext connection: what netcat, or a node run with {@code --transport cleartext}, sends. */
    public static RawPeer connectCleartext(int port) throws IOException {
        return connectCleartext("127.0.0.1", port, null);
    }

    public static RawPeer connectCleartext(String host, int port, String localAddress) throws IOException {
        return new RawPeer(plain(host, port, localAddress), ChannelBinding.NONE);
    }

    private static Socket plain(String host, int port, String localAddress) throws IOException {
        Socket s = new Socket();
        if (localAddress != null) {
            s.bind(new InetSocketAddress(localAddress, 0));
        }
        s.setTcpNoDelay(true);
        s.connect(new InetSocketAddress(host, port), 5_000);
        return s;
    }

    private void readLoop() {
        try {
            DataInputStream in = new DataInputStream(socket.getInputStream());
            while (true) {
                while (readingStopped && !socket.isClosed()) {
                    Thread.sleep(50);
                }
                int len = in.readInt();
                byte[] body = new byte[len];
                in.readFully(body);
                Envelope e = Envelope.parseFrom(body);
                received.add(e);
                inbox.add(e);
            }
        } catch (EOFException e) {
            closedByPeer = true;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } catch (IOException e) {
            // reset by peer counts as closed too, unless we closed it ourselves
            closedByPeer = !socket.isClosed();
        } finally {
            closedAtNanos = System.nanoTime();
        }
    }

    public static byte[] frame(Envelope e) {
        byte[] body = e.toByteArray();
        return ByteBuffer.allocate(4 + body.length)
                .putInt(body.length)
                .put(body)
                .array();
    }

    public static byte[] frame(byte[] body) {
        return ByteBuffer.allocate(4 + body.length)
                .putInt(body.length)
                .put(body)
                .array();
    }

    /** Writes; returns false when the node has already closed the connection. */
    public boolean sendRaw(byte[] bytes) {
        try {
            out.write(bytes);
            out.flush();
            return true;
        } catch (IOException e) {
            return false;
        }
    }

    public boolean send(Envelope e) {
        return sendRaw(frame(e));
    }

    /** The next envelope matching {@code which} within {@code within}, or null. */
    public Envelope poll(Predicate<Envelope> which, Duration within) throws InterruptedException {
        long end = System.nanoTime() + within.toNanos();
        while (true) {
            long left = end - System.nanoTime();
            if (left <= 0) {
                return null;
            }
            boolean closed = closedAtNanos != 0;
            Envelope e = inbox.poll(Math.min(left, 50_000_000L), TimeUnit.NANOSECONDS);
            if (e != null && which.test(e)) {
                return e;
            }
            if (e == null && closed && inbox.isEmpty()) {
                return null;
            }
        }
    }

    public Envelope poll(Envelope.BodyCase type, Duration within) throws InterruptedException {
        return poll(e -> e.getBodyCase() == type, within);
    }

    /** True once the node closed the connection (EOF or reset) within {@code within}. */
    public boolean awaitClosed(Duration within) throws InterruptedException {
        reader.join(within.toMillis());
        return closedByPeer;
    }

    public boolean closedByPeer() {
        return closedByPeer;
    }

    /**
     * Runs the dialer side of the handshake with {@code key}; returns the node's answer to our Auth:
     * its Auth (admitted) or an ErrorReply (refused), or null if nothing came within 10 s.
     */
    public Envelope handshake(NodeKey key, Hash networkId, String inviteToken) throws InterruptedException {
        return handshake(key, networkId, inviteToken, h -> {});
    }

    /** As above, with {@code changeHello} changing our Hello first (agent, listen address ...). */
    public Envelope handshake(
            NodeKey key, Hash networkId, String inviteToken, java.util.function.Consumer<Hello.Builder> changeHello)
            throws InterruptedException {
        Auth.Builder auth = Auth.newBuilder();
        if (inviteToken != null) {
            try {
                auth.setInvite(InviteToken.parse(inviteToken).use(key.id()).toProto());
            } catch (InvalidException e) {
                throw new IllegalArgumentException(e.getMessage(), e);
            }
        }
        return handshakeReplaying(key, networkId, auth.build(), changeHello);
    }

    /**
     * The dialer side of the handshake with {@code key}, sending {@code template} (say, another
     * dialer's captured Auth) with only its signature replaced by {@code key}'s own.
     */
    public Envelope handshakeReplaying(NodeKey key, Hash networkId, Auth template) throws InterruptedException {
        return handshakeReplaying(key, networkId, template, h -> {});
    }

    private Envelope handshakeReplaying(
            NodeKey key, Hash networkId, Auth template, java.util.function.Consumer<Hello.Builder> changeHello)
            throws InterruptedException {
        byte[] nonce = new byte[32];
        RANDOM.nextBytes(nonce);
        Hello.Builder ours = Hello.newBuilder()
                .setMagic(Wire.MAGIC)
                .setProtocolVersion(Wire.PROTOCOL_VERSION)
                .setNetworkId(ByteString.copyFrom(networkId.bytes()))
                .setNodeKey(ByteString.copyFrom(key.id().bytes()))
                .setNonce(ByteString.copyFrom(nonce))
                .setAgent("rawpeer");
        changeHello.accept(ours);
        send(Envelope.newBuilder().setHello(ours).build());
        Envelope hello = poll(e -> e.hasHello() || e.hasError(), Duration.ofSeconds(10));
        if (hello == null || hello.hasError()) {
            return hello;
        }
        byte[] msg = AuthMessage.of(
                networkId,
                hello.getHello().getNonce().toByteArray(),
                key.id(),
                NodeId.of(hello.getHello().getNodeKey().toByteArray()),
                binding);
        Auth.Builder auth =
                template.toBuilder().setSignature(ByteString.copyFrom(key.sign(Signatures.Domain.AUTH, msg)));
        send(Envelope.newBuilder().setAuth(auth).build());
        return poll(e -> e.hasAuth() || e.hasError(), Duration.ofSeconds(10));
    }

    /** From now on nothing is read: what the node sends piles up in the socket buffers, then in the node. */
    public void stopReading() {
        readingStopped = true;
    }

    public long closedAtNanos() {
        return closedAtNanos;
    }

    @Override
    public void close() {
        try {
            socket.close();
        } catch (IOException ignored) {
            // closing
        }
    }
}

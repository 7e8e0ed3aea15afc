package io.swiftserve.tools;

import com.google.protobuf.ByteString;
import io.swiftserve.chain.Hash;
import io.swiftserve.identity.NodeId;
import io.swiftserve.identity.NodeKey;
import io.swiftserve.identity.Signatures;
import io.swiftserve.net.AuthMessage;
import io.swiftserve.net.ChannelBinding;
import io.swiftserve.net.Wire;
import io.swiftserve.proto.Auth;
import io.swiftserve.proto.Envelope;
import io.swiftserve.proto.Hello;
import java.io.IOException;
import java.io.OutputStream;
import java.security.SecureRandom;

/**
 * The dialer's side of the member handshake for {@link LoadPeer}, as {@link ProtoClient#handshake}
 * does it, but on the caller's buffered streams: the load peer goes on reading and writing them
 * without a trace formatting every frame.
 */
final class MemberHandshake {
    private static final SecureRandom RANDOM = new SecureRandom();

    private MemberHandshake() {}

    static void run(FrameReader in, OutputStream out, ChannelBinding binding, NodeKey key, Hash network)
            throws IOException, FrameReader.BadFrameException {
        byte[] nonce = new byte[32];
        RANDOM.nextBytes(nonce);
        write(
                out,
                Envelope.newBuilder()
                        .setHello(Hello.newBuilder()
                                .setMagic(Wire.MAGIC)
                                .setProtocolVersion(Wire.PROTOCOL_VERSION)
                                .setNetworkId(ByteString.copyFrom(network.bytes()))
                                .setNodeKey(ByteString.copyFrom(key.id().bytes()))
                                .setNonce(ByteString.copyFrom(nonce))
                                .setAgent("swiftserve-loadgen"))
                        .build());
        out.flush();
        Envelope hello = expect(in, Envelope.BodyCase.HELLO);
        NodeId node = NodeId.of(hello.getHello().getNodeKey().toByteArray());
        byte[] signature = key.sign(
                Signatures.Domain.AUTH,
                AuthMessage.of(network, hello.getHello().getNonce().toByteArray(), key.id(), node, binding));
        write(
                out,
                Envelope.newBuilder()
                        .setAuth(Auth.newBuilder().setSignature(ByteString.copyFrom(signature)))
                        .build());
        out.flush();
        Auth auth = expect(in, Envelope.BodyCase.AUTH).getAuth();
        if (!Signatures.verify(
                node,
                Signatures.Domain.AUTH,
                AuthMessage.of(network, nonce, node, key.id(), binding),
                auth.getSignature().toByteArray())) {
            throw new IOException("the daemon's key proof failed");
        }
    }

    private static Envelope expect(FrameReader in, Envelope.BodyCase type)
            throws IOException, FrameReader.BadFrameException {
        Envelope m = in.next();
        if (m == null) {
            throw new IOException("the daemon closed the connection during the handshake");
        }
        if (m.getBodyCase() == Envelope.BodyCase.ERROR) {
            throw new IOException(
                    "the daemon refused the handshake: " + m.getError().getMessage());
        }
        if (m.getBodyCase() != type) {
            throw new IOException("the daemon sent " + m.getBodyCase() + " where the handshake expects " + type);
        }
        return m;
    }

    private static void write(OutputStream out, Envelope m) throws IOException {
        out.write(Frames.frame(m));
    }
}

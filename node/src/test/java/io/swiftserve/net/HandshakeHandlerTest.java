package io.swiftserve.net;

import static org.assertj.core.api.Assertions.assertThat;

import com.google.protobuf.ByteString;
import io.netty.channel.embedded.EmbeddedChannel;
import io.swiftserve.chain.Hash;
import io.swiftserve.identity.NodeKey;
import io.swiftserve.identity.Signatures;
import io.swiftserve.proto.Auth;
import io.swiftserve.proto.ChainStatus;
import io.swiftserve.proto.Envelope;
import io.swiftserve.proto.Hello;
import java.security.SecureRandom;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.Test;

/**
 * The handshake on its own, cleartext, in EmbeddedChannels: two handlers talking to each other, or
 * the test playing the dialer by hand against a listener.
 */
class HandshakeHandlerTest {
    private final Hash network = Hash.sha256(new byte[] {3});
    private final NodeKey dialerKey = NodeKey.generate();
    private final NodeKey listenerKey = NodeKey.generate();
    private final AtomicReference<PeerSession> dialerSession = new AtomicReference<>();
    private final AtomicReference<PeerSession> listenerSession = new AtomicReference<>();

    private EmbeddedChannel dialer(Hash networkId) {
        return new EmbeddedChannel(new HandshakeHandler(
                new LocalPeer(dialerKey, networkId, "127.0.0.1", 8001),
                null,
                (peer, invite) -> Admission.member(),
                true,
                null,
                dialerSession::set));
    }

    private EmbeddedChannel listener(HandshakePolicy policy) {
        return new EmbeddedChannel(listenerHandler(policy));
    }

    private HandshakeHandler listenerHandler(HandshakePolicy policy) {
        return new HandshakeHandler(
                new LocalPeer(listenerKey, network, "127.0.0.1", 8000),
                null,
                policy,
                false,
                null,
                listenerSession::set);
    }

    /**
     * A listener whose clock moves only when the test moves it. An embedded channel's clock is
     * otherwise the real one plus the test's offsets, so a test thread paused for a millisecond
     * (a busy CI machine) would see a deadline one millisecond away pass on its own.
     */
    private EmbeddedChannel listenerOnFrozenClock(HandshakePolicy policy) throws Exception {
        EmbeddedChannel channel = new EmbeddedChannel(false, true, listenerHandler(policy));
        channel.freezeTime();
        channel.register();
        return channel;
    }

    /** Carries what each side wrote to the other until both are quiet; returns every message in order. */
    private static List<Envelope> pump(EmbeddedChannel a, EmbeddedChannel b) {
        List<Envelope> seen = new ArrayList<>();
        boolean moved = true;
        while (moved) {
            moved = false;
            for (EmbeddedChannel[] pair : new EmbeddedChannel[][] {{a, b}, {b, a}}) {
                for (Envelope e; (e = pair[0].readOutbound()) != null; moved = true) {
                    seen.add(e);
                    if (pair[1].isOpen()) {
                        pair[1].writeInbound(e);
                    }
                }
            }
        }
        return seen;
    }

    private Hello.Builder hello(NodeKey key, byte[] nonce) {
        return Hello.newBuilder()
                .setMagic(Wire.MAGIC)
                .setProtocolVersion(Wire.PROTOCOL_VERSION)
                .setNetworkId(ByteString.copyFrom(network.bytes()))
                .setNodeKey(ByteString.copyFrom(key.id().bytes()))
                .setNonce(ByteString.copyFrom(nonce));
    }

    private static Envelope errorOf(EmbeddedChannel ch) {
        for (Object o; (o = ch.readOutbound()) != null; ) {
            if (o instanceof Envelope e && e.hasError()) {
                return e;
            }
        }
        return null;
    }

    @Test
    void bothSidesEstablishAMemberSessionAndTheHandlerLeavesThePipeline() {
        EmbeddedChannel d = dialer(network);
        EmbeddedChannel l = listener((peer, invite) -> Admission.member());
        List<Envelope> exchanged = pump(d, l);

        assertThat(exchanged)
                .extracting(Envelope::getBodyCase)
                .containsExactly(
                        Envelope.BodyCase.HELLO,
                        Envelope.BodyCase.HELLO,
                        Envelope.BodyCase.AUTH,
                        Envelope.BodyCase.AUTH);
        assertThat(dialerSession.get().peer()).isEqualTo(listenerKey.id());
        assertThat(listenerSession.get().peer()).isEqualTo(dialerKey.id());
        assertThat(listenerSession.get().isMember()).isTrue();
        assertThat(listenerSession.get().listenAddress()).isEqualTo("127.0.0.1:8001");
        assertThat(NettyLink.session(l)).isSameAs(listenerSession.get());
        assertThat(d.pipeline().get(HandshakeHandler.class)).isNull();
        assertThat(l.pipeline().get(HandshakeHandler.class)).isNull();
        assertThat(d.isOpen() && l.isOpen()).isTrue();
        // the deadline was cancelled: nothing closes them once it has passed
        d.advanceTimeBy(Wire.HANDSHAKE_TIMEOUT_MS + 1, TimeUnit.MILLISECONDS);
        l.advanceTimeBy(Wire.HANDSHAKE_TIMEOUT_MS + 1, TimeUnit.MILLISECONDS);
        d.runScheduledPendingTasks();
        l.runScheduledPendingTasks();
        assertThat(d.isOpen() && l.isOpen()).isTrue();
    }

    @Test
    void anAuthSignedByAnotherKeyIsRefusedAndClosed() {
        EmbeddedChannel l = listener((peer, invite) -> Admission.member());
        byte[] nonce = new byte[32];
        new SecureRandom().nextBytes(nonce);
        l.writeInbound(Envelope.newBuilder().setHello(hello(dialerKey, nonce)).build());
        Envelope answer = l.readOutbound();
        assertThat(answer.hasHello()).isTrue();
        byte[] signed = AuthMessage.of(
                network,
                answer.getHello().getNonce().toByteArray(),
                dialerKey.id(),
                listenerKey.id(),
                ChannelBinding.NONE);
        NodeKey impostor = NodeKey.generate();
        l.writeInbound(Envelope.newBuilder()
                .setAuth(Auth.newBuilder()
                        .setSignature(ByteString.copyFrom(impostor.sign(Signatures.Domain.AUTH, signed))))
                .build());

        Envelope error = errorOf(l);
        assertThat(error).isNotNull();
        assertThat(error.getError().getCode()).isEqualTo(ErrorCode.AUTH_FAILED.wire());
        assertThat(l.isOpen()).isFalse();
        assertThat(listenerSession.get()).isNull();
    }

    @Test
    void theSameAuthSignedByTheRightKeyIsAccepted() {
        // the counterpart of the bad-signature case: the script itself is right
        EmbeddedChannel l = listener((peer, invite) -> Admission.member());
        byte[] nonce = new byte[32];
        l.writeInbound(Envelope.newBuilder().setHello(hello(dialerKey, nonce)).build());
        Envelope answer = l.readOutbound();
        byte[] signed = AuthMessage.of(
                network,
                answer.getHello().getNonce().toByteArray(),
                dialerKey.id(),
                listenerKey.id(),
                ChannelBinding.NONE);
        l.writeInbound(Envelope.newBuilder()
                .setAuth(Auth.newBuilder()
                        .setSignature(ByteString.copyFrom(dialerKey.sign(Signatures.Domain.AUTH, signed))))
                .build());
        Envelope auth = l.readOutbound();
        assertThat(auth.hasAuth()).isTrue();
        assertThat(listenerSession.get().peer()).isEqualTo(dialerKey.id());
    }

    @Test
    void aDialerOnAnotherNetworkIsRefusedAndLearnsWhy() {
        EmbeddedChannel d = dialer(Hash.sha256(new byte[] {4}));
        EmbeddedChannel l = listener((peer, invite) -> Admission.member());
        List<Envelope> exchanged = pump(d, l);

        assertThat(exchanged)
                .extracting(Envelope::getBodyCase)
                .containsExactly(Envelope.BodyCase.HELLO, Envelope.BodyCase.ERROR);
        assertThat(exchanged.get(1).getError().getCode()).isEqualTo(ErrorCode.WRONG_NETWORK.wire());
        assertThat(l.isOpen()).isFalse();
        assertThat(d.isOpen()).isFalse();
        assertThat(d.attr(HandshakeHandler.REFUSAL).get()).contains("another network");
        assertThat(dialerSession.get()).isNull();
        assertThat(listenerSession.get()).isNull();
    }

    @Test
    void aRefusedDialerGetsTheReasonInsteadOfTheListenersAuth() {
        EmbeddedChannel d = dialer(network);
        EmbeddedChannel l = listener((peer, invite) -> Admission.refused("not on the member list"));
        List<Envelope> exchanged = pump(d, l);

        assertThat(exchanged)
                .extracting(Envelope::getBodyCase)
                .containsExactly(
                        Envelope.BodyCase.HELLO,
                        Envelope.BodyCase.HELLO,
                        Envelope.BodyCase.AUTH,
                        Envelope.BodyCase.ERROR);
        assertThat(exchanged.get(3).getError().getCode()).isEqualTo(ErrorCode.NOT_A_MEMBER.wire());
        assertThat(d.attr(HandshakeHandler.REFUSAL).get()).isEqualTo("not on the member list");
        assertThat(d.isOpen() || l.isOpen()).isFalse();
        assertThat(dialerSession.get()).isNull();
    }

    @Test
    void aSilentPeerIsClosedAtTheDeadlineNotBefore() throws Exception {
        EmbeddedChannel l = listenerOnFrozenClock((peer, invite) -> Admission.member());
        l.advanceTimeBy(Wire.HANDSHAKE_TIMEOUT_MS - 1, TimeUnit.MILLISECONDS);
        l.runScheduledPendingTasks();
        assertThat(l.isOpen()).isTrue();
        l.advanceTimeBy(2, TimeUnit.MILLISECONDS);
        l.runScheduledPendingTasks();
        assertThat(l.isOpen()).isFalse();
        assertThat(listenerSession.get()).isNull();
    }

    @Test
    void aMessageOtherThanHelloFirstIsRefusedAndClosed() {
        EmbeddedChannel l = listener((peer, invite) -> Admission.member());
        l.writeInbound(Envelope.newBuilder()
                .setChainStatus(ChainStatus.newBuilder().setHeight(1))
                .build());
        Envelope error = errorOf(l);
        assertThat(error.getError().getCode()).isEqualTo(ErrorCode.NOT_ALLOWED.wire());
        assertThat(error.getError().getMessage()).contains("CHAIN_STATUS before the handshake");
        assertThat(l.isOpen()).isFalse();
    }

    @Test
    void anAuthBeforeHelloIsRefusedAndClosed() {
        EmbeddedChannel l = listener((peer, invite) -> Admission.member());
        l.writeInbound(Envelope.newBuilder()
                .setAuth(Auth.newBuilder().setSignature(ByteString.copyFrom(new byte[64])))
                .build());
        Envelope error = errorOf(l);
        assertThat(error.getError().getCode()).isEqualTo(ErrorCode.MALFORMED.wire());
        assertThat(l.isOpen()).isFalse();
        assertThat(listenerSession.get()).isNull();
    }
}

package io.swiftserve.net;

import static org.assertj.core.api.Assertions.assertThat;

import io.netty.channel.embedded.EmbeddedChannel;
import io.swiftserve.cluster.LogCapture;
import io.swiftserve.identity.NodeKey;
import io.swiftserve.proto.ChainStatus;
import io.swiftserve.proto.Envelope;
import io.swiftserve.proto.GetBlocks;
import io.swiftserve.proto.Ping;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * The router behind an established session's real inbound end (PeerHandler, then ConnectionGuard),
 * each session in its own EmbeddedChannel.
 */
class MessageRouterTest {
    private final MessageRouter router = new MessageRouter();
    private final List<String> handled = new ArrayList<>();

    private EmbeddedChannel session(Admission.Role role) {
        EmbeddedChannel ch = new EmbeddedChannel();
        PeerSession s = new PeerSession(new NettyLink(ch), NodeKey.generate().id(), false, "", role);
        NettyLink.attach(ch, s);
        ch.pipeline().addLast(new PeerHandler(s, new Dispatching(router)), ConnectionGuard.INSTANCE);
        return ch;
    }

    private static Envelope chainStatus(long height) {
        return Envelope.newBuilder()
                .setChainStatus(ChainStatus.newBuilder().setHeight(height))
                .build();
    }

    @Test
    void aMessageGoesToTheHandlerRegisteredForItsType() {
        router.on(
                Envelope.BodyCase.CHAIN_STATUS,
                (from, m) -> handled.add("status " + m.getChainStatus().getHeight() + " from " + from.peer()));
        router.on(Envelope.BodyCase.GET_BLOCKS, (from, m) -> handled.add("get-blocks"));
        EmbeddedChannel ch = session(Admission.Role.MEMBER);
        ch.writeInbound(chainStatus(5));
        assertThat(handled)
                .containsExactly("status 5 from " + NettyLink.session(ch).peer());
        ch.writeInbound(
                Envelope.newBuilder().setPing(Ping.newBuilder().setNonce(11)).build());
        Envelope pong = ch.readOutbound();
        assertThat(pong.getPong().getNonce()).isEqualTo(11);
        assertThat(ch.isOpen()).isTrue();
    }

    @Test
    void anUnknownTypeIsIgnoredAndCountedForMembersAndJoiners() {
        router.on(Envelope.BodyCase.CHAIN_STATUS, (from, m) -> handled.add("status"));
        EmbeddedChannel member = session(Admission.Role.MEMBER);
        EmbeddedChannel joiner = session(Admission.Role.JOINER);
        try (LogCapture log = LogCapture.debug(MessageRouter.class)) {
            member.writeInbound(Envelope.getDefaultInstance());
            joiner.writeInbound(Envelope.getDefaultInstance());
            assertThat(log.containing("unknown type")).hasSize(2);
        }
        assertThat(router.unknownMessages()).isEqualTo(2);
        assertThat(member.isOpen() && joiner.isOpen()).isTrue();
        assertThat((Object) member.readOutbound()).isNull();
        assertThat((Object) joiner.readOutbound()).isNull();
        member.writeInbound(chainStatus(1));
        assertThat(handled).containsExactly("status");
    }

    @Test
    void aJoinerSendingMoreThanTheJoinExchangeIsClosed() {
        router.on(Envelope.BodyCase.GET_BLOCKS, (from, m) -> handled.add("get-blocks"));
        EmbeddedChannel joiner = session(Admission.Role.JOINER);
        joiner.writeInbound(Envelope.newBuilder()
                .setGetBlocks(GetBlocks.getDefaultInstance())
                .build());
        assertThat(handled).isEmpty();
        assertThat(joiner.isOpen()).isFalse();
    }

    @Test
    void aHandlersExceptionClosesOnlyThatSessionAndIsLogged() {
        router.on(Envelope.BodyCase.CHAIN_STATUS, (from, m) -> {
            if (m.getChainStatus().getHeight() == 13) {
                throw new IllegalStateException("unlucky height");
            }
            handled.add("status " + m.getChainStatus().getHeight());
        });
        EmbeddedChannel failing = session(Admission.Role.MEMBER);
        EmbeddedChannel other = session(Admission.Role.MEMBER);
        try (LogCapture log = LogCapture.of("io.swiftserve.net")) {
            failing.writeInbound(chainStatus(13));
            assertThat(log.lines())
                    .singleElement()
                    .asString()
                    .contains("closing " + NettyLink.session(failing), "CHAIN_STATUS handler failed", "unlucky height");
        }
        failing.checkException();
        assertThat(failing.isOpen()).isFalse();
        assertThat(NettyLink.session(failing).downReason())
                .isEqualTo("its CHAIN_STATUS handler failed: IllegalStateException: unlucky height");
        assertThat((Object) failing.readOutbound())
                .as("nothing of the node's internals is sent")
                .isNull();
        other.writeInbound(chainStatus(2));
        assertThat(other.isOpen()).isTrue();
        assertThat(handled).containsExactly("status 2");
    }

    @Test
    void whileHoldingUnhandledMessagesWaitForTheirHandlerAndArriveInOrder() {
        router.hold();
        router.on(Envelope.BodyCase.GET_BLOCKS, (from, m) -> handled.add("get-blocks"));
        EmbeddedChannel ch = session(Admission.Role.MEMBER);
        ch.writeInbound(chainStatus(1));
        ch.writeInbound(Envelope.newBuilder()
                .setGetBlocks(GetBlocks.getDefaultInstance())
                .build());
        ch.writeInbound(chainStatus(2));
        assertThat(handled).as("a handled type is not held").containsExactly("get-blocks");

        router.on(
                Envelope.BodyCase.CHAIN_STATUS,
                (from, m) -> handled.add("status " + m.getChainStatus().getHeight()));
        router.release();
        ch.writeInbound(chainStatus(3));
        ch.runPendingTasks();
        assertThat(handled).containsExactly("get-blocks", "status 1", "status 2", "status 3");
        ch.writeInbound(chainStatus(4));
        assertThat(handled).endsWith("status 4");
    }

    @Test
    void withoutHoldAnUnhandledMessageIsDroppedNotKept() {
        EmbeddedChannel ch = session(Admission.Role.MEMBER);
        ch.writeInbound(chainStatus(1));
        router.on(
                Envelope.BodyCase.CHAIN_STATUS,
                (from, m) -> handled.add("status " + m.getChainStatus().getHeight()));
        router.release();
        ch.runPendingTasks();
        assertThat(handled).isEmpty();
    }

    /** The network's dispatch without its session bookkeeping. */
    private record Dispatching(MessageRouter router) implements Fabric.Endpoint {
        @Override
        public LocalPeer local() {
            throw new UnsupportedOperationException();
        }

        @Override
        public Admission admit(io.swiftserve.identity.NodeId peer, io.swiftserve.proto.Join invite) {
            throw new UnsupportedOperationException();
        }

        @Override
        public void established(PeerSession session) {}

        @Override
        public void received(PeerSession from, Envelope message) {
            router.dispatch(from, message);
        }

        @Override
        public void receivedChunk(PeerSession from, ChunkFrame frame) {
            router.dispatchChunk(from, frame);
        }

        @Override
        public void closed(PeerSession session) {}
    }
}

package io.swiftserve.net;

import io.netty.channel.Channel;
import io.netty.util.AttributeKey;
import io.swiftserve.proto.Envelope;
import java.util.concurrent.CompletableFuture;

/** {@link Link} on a Netty channel whose pipeline {@link PeerPipeline} built. */
final class NettyLink implements Link {
    private static final AttributeKey<PeerSession> SESSION = AttributeKey.valueOf("swiftserve.session");

    private final Channel channel;
    private final ChunkWire chunks;

    NettyLink(Channel channel) {
        this.channel = channel;
        this.chunks = new NettyChunkWire(channel);
    }

    /** The session a channel carries, or null before its handshake completed. */
    static PeerSession session(Channel channel) {
        return channel.attr(SESSION).get();
    }

    static void attach(Channel channel, PeerSession session) {
        channel.attr(SESSION).set(session);
    }

    Channel channel() {
        return channel;
    }

    @Override
    public CompletableFuture<Void> send(Envelope envelope) {
        CompletableFuture<Void> done = new CompletableFuture<>();
        channel.writeAndFlush(envelope).addListener(f -> {
            if (f.isSuccess()) {
                done.complete(null);
            } else {
                done.completeExceptionally(f.cause());
            }
        });
        return done;
    }

    @Override
    public void write(Envelope envelope) {
        channel.write(envelope);
    }

    @Override
    public void flush() {
        channel.flush();
    }

    @Override
    public boolean isOpen() {
        return channel.isActive();
    }

    @Override
    public void close() {
        channel.close();
    }

    @Override
    public void onClose(Runnable action) {
        channel.closeFuture().addListener(f -> action.run());
    }

    @Override
    public void execute(Runnable task) {
        channel.eventLoop().execute(task);
    }

    @Override
    public String remoteAddress() {
        if (channel.remoteAddress() instanceof java.net.InetSocketAddress a) {
            return NetAddresses.join(
                    a.getAddress() != null ? a.getAddress().getHostAddress() : a.getHostString(), a.getPort());
        }
        return String.valueOf(channel.remoteAddress());
    }

    @Override
    public ChunkWire chunks() {
        return chunks;
    }
}

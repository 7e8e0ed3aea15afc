package io.swiftserve.transfer;

import io.netty.buffer.Unpooled;
import io.netty.channel.Channel;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.channel.DefaultFileRegion;
import io.swiftserve.net.PeerSession;
import java.io.File;
import java.util.ArrayDeque;
import java.util.Iterator;
import java.util.function.Consumer;

/**
 * The chunks one peer asked us for, written as the connection drains: each gets a frame head and a
 * {@link DefaultFileRegion} (sendfile on epoll), never a copy in user space. Writing only while the
 * channel is writable keeps every requester's queue here, where a cancel can still remove it, and
 * lets the kernel share the uplink between connections.
 */
final class UploadQueue extends ChannelInboundHandlerAdapter {
    static final int MAX_QUEUED = 512;

    record Request(byte[] fileId, int index, File file, long offset, int length, boolean corrupt) {
    }

    private final PeerSession session;
    private final Consumer<Integer> onSent;
    private final ArrayDeque<Request> queue = new ArrayDeque<>();

    UploadQueue(PeerSession session, Consumer<Integer> onSent) {
        this.session = session;
        this.onSent = onSent;
    }

    /** False when the peer has too many requests queued already (a greedy or broken peer). */
    synchronized boolean offer(Request request) {
        if (queue.size() >= MAX_QUEUED) {
            return false;
        }
        queue.add(request);
        session.channel().eventLoop().execute(this::drain);
        return true;
    }

    synchronized void cancel(byte[] fileId, int index) {
        for (Iterator<Request> it = queue.iterator(); it.hasNext(); ) {
            Request r = it.next();
            if (r.index == index && java.util.Arrays.equals(r.fileId, fileId)) {
                it.remove();
                return;
            }
        }
    }

    @Override
    public void channelWritabilityChanged(ChannelHandlerContext ctx) {
        drain();
        ctx.fireChannelWritabilityChanged();
    }

    private void drain() {
        Channel ch = session.channel();
        boolean wrote = false;
        while (ch.isWritable()) {
            Request r;
            synchronized (this) {
                r = queue.poll();
            }
            if (r == null) {
                break;
            }
            ch.write(ChunkFrames.head(ch.alloc(), r.fileId, r.index, r.length));
            if (r.corrupt) {
                byte[] junk = new byte[r.length];
                java.util.concurrent.ThreadLocalRandom.current().nextBytes(junk);
                ch.write(Unpooled.wrappedBuffer(junk));
            } else {
                ch.write(new DefaultFileRegion(r.file, r.offset, r.length));
            }
            session.bytesOut().addAndGet(r.length);
            onSent.accept(r.length);
            wrote = true;
        }
        if (wrote) {
            ch.flush();
        }
    }
}

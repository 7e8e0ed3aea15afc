package io.swiftserve.net;

import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.channel.ChannelOutboundBuffer;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Closes a session whose peer does not keep up with what is sent to it:
 * <ul>
 * <li>it has stopped reading: output is queued but the kernel has taken no byte of it for
 * {@link #LIMIT_SECONDS}. The idle timer cannot see this, because such a peer may still send.</li>
 * <li>it reads so slowly that more than {@link #MAX_PENDING} bytes wait for it. Chunk uploads stop at
 * the write buffer's high-water mark (16 MiB), so only the control messages broadcast to every
 * peer (HAVEs, bitmaps, blocks) can pile up this far; without the cap they would grow without bound.</li>
 * </ul>
 * A peer that reads at any pace that drains its queue is left alone.
 */
final class WriteStallGuard extends ChannelInboundHandlerAdapter {
    static final int LIMIT_SECONDS = 60;
    /** Twice the largest legitimate backlog: the 16 MiB high-water mark plus one 16 MiB chunk written just below it. */
    static final long MAX_PENDING = 64L << 20;

    private static final int CHECK_SECONDS = 5;
    private static final Logger log = LoggerFactory.getLogger(WriteStallGuard.class);

    private final long limitNanos;
    private final long maxPending;
    private ScheduledFuture<?> check;
    /** The message at the head of the output queue when last checked, by identity, and how far it had gone. */
    private int lastMessage;

    private long lastProgress;
    private long stalledSince = -1;

    WriteStallGuard() {
        this(TimeUnit.SECONDS.toNanos(LIMIT_SECONDS), MAX_PENDING);
    }

    WriteStallGuard(long limitNanos, long maxPending) {
        this.limitNanos = limitNanos;
        this.maxPending = maxPending;
    }

    @Override
    public void handlerAdded(ChannelHandlerContext ctx) {
        long period = Math.min(TimeUnit.SECONDS.toNanos(CHECK_SECONDS), Math.max(1, limitNanos / 4));
        check = ctx.executor().scheduleAtFixedRate(() -> check(ctx), period, period, TimeUnit.NANOSECONDS);
    }

    @Override
    public void handlerRemoved(ChannelHandlerContext ctx) {
        if (check != null) {
            check.cancel(false);
        }
    }

    @Override
    public void channelInactive(ChannelHandlerContext ctx) {
        handlerRemoved(ctx);
        ctx.fireChannelInactive();
    }

    private void check(ChannelHandlerContext ctx) {
        ChannelOutboundBuffer out = ctx.channel().unsafe().outboundBuffer();
        Object head = out == null ? null : out.current();
        long now = System.nanoTime();
        if (head == null) {
            stalledSince = -1;
            return;
        }
        long pending = out.totalPendingWriteBytes();
        if (pending > maxPending) {
            log.info(
                    "closing {}: {} bytes queued for it, over {}: it reads too slowly",
                    sessionOf(ctx),
                    pending,
                    maxPending);
            noteClosing(ctx, pending + " bytes queued for it: it reads too slowly");
            close(ctx);
            return;
        }
        int message = System.identityHashCode(head);
        long progress = out.currentProgress();
        if (stalledSince < 0 || message != lastMessage || progress != lastProgress) {
            lastMessage = message;
            lastProgress = progress;
            stalledSince = now;
            return;
        }
        if (now - stalledSince >= limitNanos) {
            log.info(
                    "closing {}: it has read nothing for {} s ({} bytes waiting to be sent)",
                    sessionOf(ctx),
                    TimeUnit.NANOSECONDS.toSeconds(now - stalledSince),
                    pending);
            noteClosing(ctx, "it read nothing for " + TimeUnit.NANOSECONDS.toSeconds(now - stalledSince) + " s");
            close(ctx);
        }
    }

    private static void noteClosing(ChannelHandlerContext ctx, String why) {
        PeerSession s = NettyLink.session(ctx.channel());
        if (s != null) {
            s.closing(why);
        }
    }

    private void close(ChannelHandlerContext ctx) {
        check.cancel(false);
        ctx.close();
    }

    private static Object sessionOf(ChannelHandlerContext ctx) {
        PeerSession s = NettyLink.session(ctx.channel());
        return s != null ? s : ctx.channel().remoteAddress();
    }
}

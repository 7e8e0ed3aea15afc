package io.swiftserve.net;

import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.channel.ChannelOutboundBuffer;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Closes a session whose peer has stopped reading: output is queued but the kernel has taken no
 * byte of it for {@link #LIMIT_SECONDS}. The idle timer cannot see this, because such a peer may
 * still send; without this guard the control messages broadcast to it (HAVEs, bitmaps, blocks)
 * would queue without bound. A peer that reads, however slowly, moves the current message's
 * progress and is left alone: chunk uploads to it already stop at the write buffer's high-water mark.
 */
final class WriteStallGuard extends ChannelInboundHandlerAdapter {
    static final int LIMIT_SECONDS = 60;
    private static final int CHECK_SECONDS = 5;
    private static final Logger log = LoggerFactory.getLogger(WriteStallGuard.class);

    private final long limitNanos;
    private ScheduledFuture<?> check;
    /** The message at the head of the output queue when last checked, by identity, and how far it had gone. */
    private int lastMessage;
    private long lastProgress;
    private long stalledSince = -1;

    WriteStallGuard() {
        this(TimeUnit.SECONDS.toNanos(LIMIT_SECONDS));
    }

    WriteStallGuard(long limitNanos) {
        this.limitNanos = limitNanos;
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
        int message = System.identityHashCode(head);
        long progress = out.currentProgress();
        if (stalledSince < 0 || message != lastMessage || progress != lastProgress) {
            lastMessage = message;
            lastProgress = progress;
            stalledSince = now;
            return;
        }
        if (now - stalledSince >= limitNanos) {
            log.info("closing {}: it has read nothing for {} s ({} bytes waiting to be sent)", sessionOf(ctx),
                    TimeUnit.NANOSECONDS.toSeconds(now - stalledSince), out.totalPendingWriteBytes());
            check.cancel(false);
            ctx.close();
        }
    }

    private static Object sessionOf(ChannelHandlerContext ctx) {
        PeerSession s = PeerSession.of(ctx.channel());
        return s != null ? s : ctx.channel().remoteAddress();
    }
}

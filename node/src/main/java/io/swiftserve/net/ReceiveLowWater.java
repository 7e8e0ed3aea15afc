package io.swiftserve.net;

import io.netty.channel.Channel;
import io.netty.channel.ChannelException;
import io.netty.channel.ChannelOption;
import io.netty.channel.epoll.EpollSocketChannel;
import io.netty.channel.unix.IntegerUnixChannelOption;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Keeps a connection's {@code SO_RCVLOWAT} at the bytes still missing of the frame being received.
 * A chunk frame arrives as ~180 packets, and without it the kernel woke the event loop every few of
 * them (about 20 times per chunk on the benchmark's LAN): each wake-up an epoll round, a read and a
 * pass through the pipeline for a frame that cannot be decoded yet. With it the loop runs about once
 * per frame. Waiting for the rest of a frame never holds anything up: nothing behind it on the stream
 * could be decoded earlier, a closing peer still wakes us (FIN and RST ignore the mark), and Linux
 * wakes us anyway when the receive buffer or window runs short.
 */
final class ReceiveLowWater {
    private static final Logger log = LoggerFactory.getLogger(ReceiveLowWater.class);
    /** Linux: SOL_SOCKET = 1, SO_RCVLOWAT = 18 (the same on x86-64 and arm64). */
    static final ChannelOption<Integer> SO_RCVLOWAT = new IntegerUnixChannelOption("SO_RCVLOWAT", 1, 18);
    /** Below this a few packets are all a mark could save, not worth two system calls. */
    static final int WORTH_SETTING = 32 << 10;
    /**
     * The highest mark: one chunk. A slow link must still deliver a read now and then, or the idle
     * timeout would take a large frame's slow arrival for a dead peer.
     */
    static final int CAP = 256 << 10;

    private int current = 1;
    private boolean disabled;

    /** Asks the kernel to wake the event loop once {@code missing} more bytes are there (or 1 byte, for a small need). */
    void await(Channel channel, long missing) {
        if (disabled) {
            return;
        }
        int mark = missing < WORTH_SETTING ? 1 : (int) Math.min(missing, CAP);
        if (mark == current) {
            return;
        }
        if (!(channel instanceof EpollSocketChannel)) {
            disabled = true; // NIO has no such option; it reads per packet as before
            return;
        }
        try {
            channel.config().setOption(SO_RCVLOWAT, mark);
            current = mark;
        } catch (ChannelException e) {
            if (channel.isActive()) {
                disabled = true;
                log.debug("SO_RCVLOWAT not available on {}: {}", channel.remoteAddress(), e.getMessage());
            }
        }
    }
}

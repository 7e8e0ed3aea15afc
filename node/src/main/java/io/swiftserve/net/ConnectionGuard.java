package io.swiftserve.net;

import io.netty.channel.ChannelDuplexHandler;
import io.netty.channel.ChannelHandler;
import io.netty.channel.ChannelHandlerContext;
import io.netty.handler.codec.DecoderException;
import io.netty.handler.codec.TooLongFrameException;
import io.netty.handler.timeout.ReadTimeoutException;
import io.swiftserve.util.LogText;
import java.io.IOException;
import javax.net.ssl.SSLException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Last handler of every pipeline: whatever goes wrong on a connection ends as one log line and a
 * closed channel, never as an exception escaping into the node.
 */
@ChannelHandler.Sharable
public final class ConnectionGuard extends ChannelDuplexHandler {
    public static final ConnectionGuard INSTANCE = new ConnectionGuard();
    private static final Logger log = LoggerFactory.getLogger(ConnectionGuard.class);

    @Override
    public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
        String who = String.valueOf(ctx.channel().remoteAddress());
        Throwable root = root(cause);
        String why;
        if (root instanceof SSLException) {
            // a failed TLS handshake, or a record that does not decrypt (altered or injected bytes)
            why = "TLS error: " + LogText.escape(root.getMessage());
            log.warn("closing {}: {}", who, why);
        } else if (cause instanceof TooLongFrameException || cause instanceof DecoderException) {
            why = "malformed input: " + LogText.escape(rootMessage(cause));
            log.warn("closing {}: {}", who, why);
        } else if (cause instanceof ReadTimeoutException) {
            why = "idle too long";
            log.info("closing {}: {}", who, why);
        } else if (cause instanceof IOException) {
            why = LogText.escape(cause.getMessage());
            log.debug("closing {}: {}", who, why);
        } else {
            why = "unexpected error " + cause.getClass().getSimpleName();
            log.warn("closing {}: unexpected error", who, cause);
        }
        PeerSession session = NettyLink.session(ctx.channel());
        if (session != null) {
            session.closing(why);
        }
        ctx.close();
    }

    private static String rootMessage(Throwable t) {
        Throwable c = root(t);
        return c.getMessage() != null ? c.getMessage() : t.getMessage();
    }

    private static Throwable root(Throwable t) {
        Throwable c = t;
        while (c.getCause() != null && c.getCause() != c) {
            c = c.getCause();
        }
        return c;
    }
}

package io.swiftserve.net;

import io.swiftserve.proto.Envelope;
import io.swiftserve.proto.Pong;
import io.swiftserve.util.LogText;
import java.util.EnumMap;
import java.util.EnumSet;
import java.util.Map;
import java.util.Set;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The one place messages are dispatched by type. A joiner may only use the join exchange; an
 * unknown or unregistered type is logged at debug, counted and ignored (the sender may be a newer
 * version), for joiners too, since ignoring it grants nothing.
 */
public final class MessageRouter {
    private static final Logger log = LoggerFactory.getLogger(MessageRouter.class);
    private static final Set<Envelope.BodyCase> JOINER_ALLOWED =
            EnumSet.of(Envelope.BodyCase.JOIN_REQUEST, Envelope.BodyCase.PING, Envelope.BodyCase.PONG, Envelope.BodyCase.ERROR);

    private final Map<Envelope.BodyCase, MessageHandler> handlers = new EnumMap<>(Envelope.BodyCase.class);
    private volatile ChunkHandler chunkHandler = (from, frame) -> frame.release();
    private final java.util.concurrent.atomic.AtomicLong unknown = new java.util.concurrent.atomic.AtomicLong();

    public MessageRouter on(Envelope.BodyCase type, MessageHandler handler) {
        handlers.put(type, handler);
        return this;
    }

    public MessageRouter onChunk(ChunkHandler handler) {
        this.chunkHandler = handler;
        return this;
    }

    void dispatch(PeerSession from, Envelope message) {
        Envelope.BodyCase type = message.getBodyCase();
        if (type == Envelope.BodyCase.BODY_NOT_SET) {
            unknown.incrementAndGet();
            log.debug("ignoring message of unknown type from {}", from);
            return;
        }
        if (!from.isMember() && !JOINER_ALLOWED.contains(type)) {
            from.close(type + " is not allowed before the join is sealed");
            return;
        }
        switch (type) {
            case PING -> from.send(Envelope.newBuilder().setPong(Pong.newBuilder().setNonce(message.getPing().getNonce())).build());
            case PONG -> { }
            case ERROR -> {
                log.info("peer {} reports error {}: {}", from, ErrorCode.describe(message.getError().getCode()), LogText.escape(message.getError().getMessage()));
                MessageHandler h = handlers.get(type);
                if (h != null) {
                    handle(h, from, message);
                }
            }
            case HELLO, AUTH -> from.close("handshake message after the handshake");
            default -> {
                MessageHandler h = handlers.get(type);
                if (h == null) {
                    log.debug("no handler for {} from {}", type, from);
                } else {
                    handle(h, from, message);
                }
            }
        }
    }

    /**
     * A handler that throws ends only the session it was serving, with one line naming the type; the
     * peer gets no ErrorReply, since the reason is this node's, not a refusal.
     */
    private static void handle(MessageHandler h, PeerSession from, Envelope message) {
        try {
            h.handle(from, message);
        } catch (RuntimeException e) {
            String why = "its " + message.getBodyCase() + " handler failed: " + e.getClass().getSimpleName() + ": " + e.getMessage();
            log.warn("closing {}: {}", from, LogText.escape(why), e);
            from.closing(why);
            from.channel().close();
        }
    }

    /** Messages of a type this version does not know, ignored since start. */
    public long unknownMessages() {
        return unknown.get();
    }

    void dispatchChunk(PeerSession from, ChunkFrame frame) {
        if (!from.isMember()) {
            frame.release();
            from.close("chunk data is not allowed before the join is sealed");
            return;
        }
        chunkHandler.onChunk(from, frame);
    }
}

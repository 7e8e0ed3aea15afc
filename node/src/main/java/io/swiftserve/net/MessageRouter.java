package io.swiftserve.net;

import io.swiftserve.proto.Envelope;
import io.swiftserve.proto.Pong;
import io.swiftserve.util.LogText;
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
    private static final Set<Envelope.BodyCase> JOINER_ALLOWED = EnumSet.of(
            Envelope.BodyCase.JOIN_REQUEST, Envelope.BodyCase.PING, Envelope.BodyCase.PONG, Envelope.BodyCase.ERROR);

    /** Concurrent: a join adds and removes its handlers while sessions are live. */
    private final Map<Envelope.BodyCase, MessageHandler> handlers = new java.util.concurrent.ConcurrentHashMap<>();

    private volatile ChunkHandler chunkHandler = (from, frame) -> frame.release();
    private final java.util.concurrent.atomic.AtomicLong unknown = new java.util.concurrent.atomic.AtomicLong();

    /** Most messages kept while holding; more are dropped (the sender is authenticated, but unbounded it is memory). */
    static final int HOLD_MAX = 1024;

    private volatile boolean holding;
    /** True while holding or while held messages still wait to be re-dispatched: the slow path of {@link #held}. */
    private volatile boolean heldAny;
    /** Guarded by this. */
    private final Map<PeerSession, java.util.List<Envelope>> held = new java.util.HashMap<>();

    private int heldCount;

    public MessageRouter on(Envelope.BodyCase type, MessageHandler handler) {
        handlers.put(type, handler);
        return this;
    }

    /** Removes the handler of {@code type}, if any (a join's handlers, once it is done). */
    public MessageRouter off(Envelope.BodyCase type) {
        handlers.remove(type);
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
            case PING ->
                from.send(Envelope.newBuilder()
                        .setPong(Pong.newBuilder().setNonce(message.getPing().getNonce()))
                        .build());
            case PONG -> {}
            case ERROR -> {
                log.info(
                        "peer {} reports error {}: {}",
                        from,
                        ErrorCode.describe(message.getError().getCode()),
                        LogText.escape(message.getError().getMessage()));
                MessageHandler h = handlers.get(type);
                if (h != null) {
                    handle(h, from, message);
                }
            }
            case HELLO, AUTH -> from.close("handshake message after the handshake");
            default -> {
                if (heldAny && held(from, message)) {
                    return;
                }
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
     * From now until {@link #release()}, a message whose type has no handler yet waits instead of
     * being dropped: the node starts its network (and may join through it) before the services
     * that handle chain status, peer lists and bitmaps exist, and what peers send at session start
     * must reach them.
     */
    public MessageRouter hold() {
        synchronized (this) {
            holding = true;
            heldAny = true;
        }
        return this;
    }

    /** Every service is registered: the held messages are dispatched, in order, each on its session's event loop. */
    public void release() {
        java.util.List<PeerSession> waiting;
        synchronized (this) {
            holding = false;
            heldAny = !held.isEmpty();
            waiting = java.util.List.copyOf(held.keySet());
        }
        waiting.forEach(s -> s.execute(() -> drain(s)));
    }

    /** Keeps {@code message} when it must wait: unhandled while holding, or behind earlier held ones of its session. */
    private boolean held(PeerSession from, Envelope message) {
        synchronized (this) {
            java.util.List<Envelope> queue = held.get(from);
            if (holding ? handlers.containsKey(message.getBodyCase()) : queue == null) {
                return false;
            }
            if (heldCount >= HOLD_MAX) {
                log.debug(
                        "dropping {} from {}: {} messages already wait for the node's services",
                        message.getBodyCase(),
                        from,
                        HOLD_MAX);
                return true;
            }
            held.computeIfAbsent(from, k -> new java.util.ArrayList<>()).add(message);
            heldCount++;
            return true;
        }
    }

    private void drain(PeerSession from) {
        java.util.List<Envelope> queue;
        synchronized (this) {
            queue = held.remove(from);
            heldCount -= queue == null ? 0 : queue.size();
            heldAny = holding || !held.isEmpty();
        }
        if (queue != null && from.isOpen()) {
            queue.forEach(m -> dispatch(from, m));
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
            String why = "its " + message.getBodyCase() + " handler failed: "
                    + e.getClass().getSimpleName() + ": " + e.getMessage();
            log.warn("closing {}: {}", from, LogText.escape(why), e);
            from.disconnect(why);
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

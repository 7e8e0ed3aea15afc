package io.swiftserve.net;

import io.swiftserve.identity.NodeId;
import io.swiftserve.proto.Envelope;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.atomic.AtomicLong;

/** An authenticated connection to one peer. */
public final class PeerSession {
    private final Link link;
    private final NodeId peer;
    private final boolean outbound;
    private final String listenAddress;
    private volatile Admission.Role role;
    /** Why this node closed it, for the "peer down" line; null when the other side or the network did. */
    private volatile String closeReason;
    /** Whether sessionUp was announced for it, so sessionDown is announced exactly when it must be. */
    volatile boolean announced;

    private volatile java.util.function.BiConsumer<PeerSession, String> onPromoted;
    private final AtomicLong bytesIn = new AtomicLong();
    private final AtomicLong bytesOut = new AtomicLong();
    /** Fixed at creation so hash-ordered collections of sessions iterate the same way in every run of a simulation. */
    private final int hash;

    /** A session over {@code link} with a peer that proved its key and was admitted as {@code role}. */
    public PeerSession(Link link, NodeId peer, boolean outbound, String listenAddress, Admission.Role role) {
        this.link = link;
        this.peer = peer;
        this.outbound = outbound;
        this.listenAddress = listenAddress;
        this.role = role;
        this.hash = peer.hashCode() * 31 + (outbound ? 1 : 0);
    }

    public NodeId peer() {
        return peer;
    }

    /** What carries the session; {@code net} only. */
    Link link() {
        return link;
    }

    /** Runs {@code task} on the thread that reads and writes this session. */
    public void execute(Runnable task) {
        link.execute(task);
    }

    /** Runs {@code action} once the session is closed, by either side (at once if it already is). */
    public void onClose(Runnable action) {
        link.onClose(action);
    }

    /** True when this node dialled the connection. */
    public boolean outbound() {
        return outbound;
    }

    /** "host:port" the peer said it listens on, or "" if none. */
    public String listenAddress() {
        return listenAddress;
    }

    public Admission.Role role() {
        return role;
    }

    /**
     * A joiner whose join was sealed becomes a full member on the same connection: no new session,
     * so the log says "peer promoted to member" once instead of a peer down and up. {@code how}
     * ends that line (e.g. "joined in block #12").
     */
    public void promote(String how) {
        promotedFromJoin = true;
        role = Admission.Role.MEMBER;
        java.util.function.BiConsumer<PeerSession, String> hook = onPromoted;
        if (hook != null) {
            hook.accept(this, how);
        }
    }

    /** True when this session began as a join and became a member session on the same connection. */
    public boolean promotedFromJoin() {
        return promotedFromJoin;
    }

    private volatile boolean promotedFromJoin;

    /** Set by the network that established the session: it announces the promoted member. */
    void onPromoted(java.util.function.BiConsumer<PeerSession, String> hook) {
        onPromoted = hook;
    }

    /** "ip:port" of the other end of the connection. */
    public String remoteAddress() {
        return link.remoteAddress();
    }

    public boolean isMember() {
        return role == Admission.Role.MEMBER;
    }

    /** Completes when the message left, exceptionally if it never will. */
    public CompletableFuture<Void> send(Envelope envelope) {
        return link.send(envelope);
    }

    /** Queues {@code envelope} without flushing, for a batch that ends with {@link #flush()}. */
    public void write(Envelope envelope) {
        link.write(envelope);
    }

    public void flush() {
        link.flush();
    }

    /** Whether the connection is still open. */
    public boolean isOpen() {
        return link.isOpen();
    }

    /** Chunk frames to this peer. */
    public ChunkWire chunks() {
        return link.chunks();
    }

    /** Records why this node is closing the session (the first reason wins). */
    /**
     * Closed, or being closed by this node: a close asked for from another thread completes later on
     * the session's event loop, and until then the session is still open and listed.
     */
    public boolean isClosing() {
        return closeReason != null || !link.isOpen();
    }

    void closing(String why) {
        if (closeReason == null) {
            closeReason = why;
        }
    }

    /** Why the session ended, as the "peer down" line says it. */
    String downReason() {
        String why = closeReason;
        return why == null ? "closed by the peer or the network" : why;
    }

    public void close(String why) {
        closing(why);
        if (link.isOpen()) {
            link.send(Envelopes.error(ErrorCode.NOT_ALLOWED, why));
        }
        link.close();
    }

    /** Closes without a word to the peer, e.g. once a refusal already went out. */
    public void disconnect() {
        link.close();
    }

    /** Closes without a word, remembering why for the "peer down" line. */
    public void disconnect(String why) {
        closing(why);
        link.close();
    }

    @Override
    public int hashCode() {
        return hash;
    }

    public AtomicLong bytesIn() {
        return bytesIn;
    }

    public AtomicLong bytesOut() {
        return bytesOut;
    }

    @Override
    public String toString() {
        return peer.shortId() + (outbound ? "->" : "<-") + remoteAddress();
    }
}

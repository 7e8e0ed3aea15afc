package io.swiftserve.daemon;

import io.swiftserve.net.PeerSession;
import io.swiftserve.net.SessionListener;
import java.util.List;

/**
 * Fans session events out to the services. Sessions that come up before the services are wired
 * (the join's, with the inviter, or an early dial-in) wait until {@link #open()} hands them over.
 */
public final class SessionFanout implements SessionListener {
    private final List<java.util.function.Consumer<PeerSession>> up = new java.util.concurrent.CopyOnWriteArrayList<>();
    private final List<java.util.function.Consumer<PeerSession>> down =
            new java.util.concurrent.CopyOnWriteArrayList<>();
    private final java.util.Set<PeerSession> early = new java.util.LinkedHashSet<>();
    private boolean open;

    public void onUp(java.util.function.Consumer<PeerSession> c) {
        up.add(c);
    }

    public void onDown(java.util.function.Consumer<PeerSession> c) {
        down.add(c);
    }

    /** Every service listens now: the sessions that came up before are theirs, each on its own event loop. */
    public void open() {
        List<PeerSession> waiting;
        synchronized (this) {
            open = true;
            waiting = List.copyOf(early);
            early.clear();
        }
        waiting.forEach(s -> s.execute(() -> {
            if (s.isOpen()) {
                up.forEach(c -> c.accept(s));
            }
        }));
    }

    @Override
    public void sessionUp(PeerSession session) {
        synchronized (this) {
            if (!open) {
                early.add(session);
                return;
            }
        }
        up.forEach(c -> c.accept(session));
    }

    @Override
    public void sessionDown(PeerSession session) {
        synchronized (this) {
            if (!open) {
                early.remove(session);
                return;
            }
        }
        down.forEach(c -> c.accept(session));
    }
}

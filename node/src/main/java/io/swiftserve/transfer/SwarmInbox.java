package io.swiftserve.transfer;

import io.swiftserve.chain.Hash;
import io.swiftserve.chain.TransactionRules;
import io.swiftserve.net.PeerSession;
import java.util.ArrayList;
import java.util.BitSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executor;
import java.util.function.Predicate;

/**
 * What peers say they hold (bitmaps, HAVEs, complete lists), on its way from the event loops to the
 * transfer thread: per session, what waits is kept per version and handed over by one task at a
 * time. A HAVE joins the ones of its version still waiting; a bitmap replaces whatever of its version
 * waits (it says all the peer holds). What waits is then bounded by the versions and their chunks,
 * not by how fast a peer talks: a task per message let tens of thousands queue at 10,000 files
 * whenever HAVEs came faster than the one thread ran them.
 *
 * <p>Per version the order is kept. Between versions it is not, and nothing depends on it. One
 * difference from delivering each message: HAVEs replaced by a later bitmap of the same version
 * no longer tell a super-seeding seed which chunk the peer took (it shows that chunk to others
 * again, the cautious side).
 */
final class SwarmInbox {
    /** Where the messages go, on the transfer thread. */
    interface Target {
        void onBitmap(PeerSession s, SwarmInbound.Bitmap m);

        /** The peer holds every chunk of {@code fileId} (from a HaveComplete). */
        void onWhole(PeerSession s, Hash fileId);

        void onHave(PeerSession s, SwarmInbound.Have m);
    }

    /** What waits of one version from one peer: a bitmap or whole (at most one), then HAVEs. */
    private static final class Waiting {
        SwarmInbound.Bitmap bitmap;
        boolean whole;
        boolean reply;
        BitSet haves;
    }

    private final class Queue {
        final PeerSession session;
        Map<Hash, Waiting> waiting = new LinkedHashMap<>();
        boolean scheduled;

        Queue(PeerSession session) {
            this.session = session;
        }
    }

    private final Executor thread;
    private final Target target;
    /** Versions a peer may talk about: the ledger's and the few the swarm view keeps ahead of it. */
    private final Predicate<Hash> known;

    private final Map<PeerSession, Queue> queues = new ConcurrentHashMap<>();

    SwarmInbox(Executor thread, Target target, Predicate<Hash> known) {
        this.thread = thread;
        this.target = target;
        this.known = known;
    }

    void bitmap(PeerSession s, SwarmInbound.Bitmap m) {
        add(s, m.fileId(), w -> {
            w.reply |= m.reply();
            w.bitmap = m;
            w.whole = false;
            w.haves = null;
        });
    }

    void complete(PeerSession s, SwarmInbound.Complete m) {
        for (Hash fileId : m.fileIds()) {
            add(s, fileId, w -> {
                w.bitmap = null;
                w.whole = true;
                w.haves = null;
            });
        }
    }

    void have(PeerSession s, SwarmInbound.Have m) {
        add(s, m.fileId(), w -> {
            for (int i : m.indices()) {
                if (i >= 0 && i < TransactionRules.MAX_CHUNKS) { // no version has more: the swarm ignores the rest
                    if (w.haves == null) {
                        w.haves = new BitSet();
                    }
                    w.haves.set(i);
                }
            }
        });
    }

    /** The session is gone: what still waits is delivered all the same, before its sessionDown. */
    void sessionDown(PeerSession s) {
        queues.remove(s);
    }

    private void add(PeerSession s, Hash fileId, java.util.function.Consumer<Waiting> change) {
        Queue q = queues.computeIfAbsent(s, Queue::new);
        synchronized (q) {
            Waiting w = q.waiting.get(fileId);
            if (w == null) {
                if (q.waiting.size() >= SwarmView.MAX_UNKNOWN_FILES && !known.test(fileId)) {
                    return; // a version nobody has heard of, beyond the few kept ahead of the ledger
                }
                w = new Waiting();
                q.waiting.put(fileId, w);
            }
            change.accept(w);
            if (!q.scheduled) {
                q.scheduled = true;
                thread.execute(() -> deliver(q));
            }
        }
    }

    private void deliver(Queue q) {
        Map<Hash, Waiting> batch;
        synchronized (q) {
            batch = q.waiting;
            q.waiting = new LinkedHashMap<>();
            q.scheduled = false;
        }
        PeerSession s = q.session;
        batch.forEach((fileId, w) -> {
            if (w.whole) {
                TransferTasks.guarded(() -> target.onWhole(s, fileId));
            } else if (w.bitmap != null) {
                SwarmInbound.Bitmap b = w.bitmap;
                SwarmInbound.Bitmap m = w.reply == b.reply()
                        ? b
                        : new SwarmInbound.Bitmap(fileId, b.chunks(), b.bits(), true, b.holds());
                TransferTasks.guarded(() -> target.onBitmap(s, m));
            }
            if (w.haves != null) {
                // a loop, not a stream: the daemon runs on C1, which leaves a stream's pipeline uninlined
                List<Integer> indices = new ArrayList<>(w.haves.cardinality());
                for (int i = w.haves.nextSetBit(0); i >= 0; i = w.haves.nextSetBit(i + 1)) {
                    indices.add(i);
                }
                TransferTasks.guarded(() -> target.onHave(s, new SwarmInbound.Have(fileId, indices)));
            }
        });
        if (!s.isOpen()) {
            queues.remove(s, q); // a message raced the session's end
        }
    }
}

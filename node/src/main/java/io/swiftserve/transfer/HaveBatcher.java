package io.swiftserve.transfer;

import io.swiftserve.chain.Hash;
import io.swiftserve.net.PeerNetwork;
import io.swiftserve.net.PeerSession;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Announces newly verified chunks ({@code HaveChunks}) in batches, fast only where they help. A
 * per-chunk announcement to every connection cost (N-1) x chunks x degree messages per file, each
 * decoded and pumped. Now: a peer that never sent a bitmap for the version is skipped (it asks for
 * ours when the version reaches its ledger); the chunks a peer lacks go out gathered over
 * {@link #FAST_MS}, so relaying stays prompt; the chunks it already holds (all of them, for a
 * complete peer) cannot serve its downloads and go in one batch a second, only so its view of who
 * holds what (progress displays, the counts it saves) stays true. Transfer thread only.
 */
final class HaveBatcher {
    static final long FAST_MS = 5;
    static final long SLOW_MS = 1_000;

    private final SwarmView view;
    private final PeerNetwork network;
    private final ScheduledExecutorService thread;
    private final Map<PeerSession, Map<Download, List<Integer>>> fast = new HashMap<>();
    private final Map<PeerSession, Map<Download, List<Integer>>> slow = new HashMap<>();
    private boolean fastScheduled;
    private boolean slowScheduled;
    /** HaveChunks messages sent in fast batches (chunks the peer lacks), in slow ones, and the indices in all. */
    final AtomicLong fastMessages = new AtomicLong();

    final AtomicLong slowMessages = new AtomicLong();
    final AtomicLong indices = new AtomicLong();

    HaveBatcher(SwarmView view, PeerNetwork network, ScheduledExecutorService thread) {
        this.view = view;
        this.network = network;
        this.thread = thread;
    }

    /** Queues {@code fresh}, chunks of {@code d} this node just verified, for every peer that can use them. */
    void announce(Download d, List<Integer> fresh) {
        for (PeerSession s : network.memberSessions()) {
            ChunkBitmap theirs = view.bitmap(d.fileId, s.peer()).orElse(null);
            if (theirs == null) {
                continue;
            }
            // a super-seeding seed shows a peer new chunks once the ones it showed turn up elsewhere:
            // these HAVEs are its pacing, and a second's delay starved a 1 Gbit/s swarm (simulation:
            // 8 nodes, 256 MiB, 8.98 x T_min)
            boolean superSeeder = view.superSeeding(d.fileId, s.peer());
            boolean complete = theirs.isComplete() && !superSeeder;
            for (int i : fresh) {
                boolean lacks = superSeeder || (!complete && !theirs.get(i));
                (lacks ? fast : slow)
                        .computeIfAbsent(s, k -> new HashMap<>())
                        .computeIfAbsent(d, k -> new ArrayList<>())
                        .add(i);
            }
        }
        if (!fast.isEmpty() && !fastScheduled) {
            fastScheduled = true;
            thread.schedule(this::flushFast, FAST_MS, TimeUnit.MILLISECONDS);
        }
        if (!slow.isEmpty() && !slowScheduled) {
            slowScheduled = true;
            thread.schedule(this::flushSlow, SLOW_MS, TimeUnit.MILLISECONDS);
        }
    }

    private void flushFast() {
        fastScheduled = false;
        flush(fast, fastMessages);
    }

    private void flushSlow() {
        slowScheduled = false;
        flush(slow, slowMessages);
    }

    private void flush(Map<PeerSession, Map<Download, List<Integer>>> batches, AtomicLong sent) {
        batches.forEach((s, byFile) -> byFile.forEach((d, list) -> {
            s.send(SwarmMessages.haveChunks(d, list));
            sent.incrementAndGet();
            indices.addAndGet(list.size());
        }));
        batches.clear();
    }

    /** Drops what waits for a peer that went away. */
    void sessionDown(PeerSession s) {
        fast.remove(s);
        slow.remove(s);
    }

    /** Drops what waits for a version this node no longer tracks. */
    void forget(Hash fileId) {
        fast.values().forEach(m -> m.keySet().removeIf(d -> d.fileId.equals(fileId)));
        slow.values().forEach(m -> m.keySet().removeIf(d -> d.fileId.equals(fileId)));
    }
}

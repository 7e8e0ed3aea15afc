package io.swiftserve.fetch;

import java.util.ArrayList;
import java.util.BitSet;
import java.util.Comparator;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;

/**
 * Who downloads which chunk of one collaborative fetch: pure bookkeeping, no I/O, time passed in,
 * not thread-safe (the owning job serialises calls).
 *
 * <p>Work is handed out in small batches of consecutive chunks (so a worker reads each batch with one
 * Range request), at most two batches ahead, so a fast worker simply asks more often. A worker that
 * leaves, fails or makes no progress for the stall bound is retired and its unfinished chunks go back
 * to the pending set. When nothing is pending, an idle worker takes the unstarted tail of the busiest
 * worker's queue (the loser is sent a cancel), and if there is none, a second copy of a chunk still
 * outstanding elsewhere (end game): one slow worker cannot hold back the end.
 *
 * @param <P> worker key
 */
final class FetchPlan<P> {
    static final String ACTIVE = "active";
    static final String GONE = "gone";
    static final String STALLED = "stalled";
    static final String FAILED = "failed";

    static final class Worker {
        final LinkedHashSet<Integer> assigned = new LinkedHashSet<>();
        long lastProgressNanos;
        long progressBytes;
        int received;
        String state = ACTIVE;
        String reason = "";

        boolean active() {
            return state.equals(ACTIVE);
        }
    }

    /** What to tell workers after a planning step: new chunks to download, chunks to drop. */
    record Actions<P>(Map<P, List<Integer>> assign, Map<P, List<Integer>> cancel) {
        Actions() {
            this(new LinkedHashMap<>(), new LinkedHashMap<>());
        }

        boolean isEmpty() {
            return assign.isEmpty() && cancel.isEmpty();
        }
    }

    private final int chunks;
    private final int batch;
    private final long stallNanos;
    private final BitSet done = new BitSet();
    private int doneCount;
    private final TreeSet<Integer> pending = new TreeSet<>();
    private final Map<Integer, Set<P>> holders = new HashMap<>();
    private final LinkedHashMap<P, Worker> workers = new LinkedHashMap<>();
    private String lastFailure = "";

    FetchPlan(int chunks, int batch, long stallNanos) {
        if (batch < 1) {
            throw new IllegalArgumentException("batch " + batch);
        }
        this.chunks = chunks;
        this.batch = batch;
        this.stallNanos = stallNanos;
        for (int i = 0; i < chunks; i++) {
            pending.add(i);
        }
    }

    /** Marks chunks kept from an earlier attempt as done before any planning; returns how many were new. */
    int alreadyHave(BitSet held) {
        int added = 0;
        for (int i = held.nextSetBit(0); i >= 0 && i < chunks; i = held.nextSetBit(i + 1)) {
            if (!done.get(i)) {
                done.set(i);
                doneCount++;
                pending.remove(i);
                added++;
            }
        }
        return added;
    }

    /** A copy of the done set, to save for a later attempt. */
    BitSet doneSet() {
        return (BitSet) done.clone();
    }

    void addWorker(P p, long now) {
        Worker w = new Worker();
        w.lastProgressNanos = now;
        workers.putIfAbsent(p, w);
    }

    boolean isWorker(P p) {
        return workers.containsKey(p);
    }

    Map<P, Worker> workers() {
        return workers;
    }

    /** Whether {@code index} is on {@code p}'s list right now (assigned to it and not yet received). */
    boolean assignedTo(P p, int index) {
        Worker w = workers.get(p);
        return w != null && w.assigned.contains(index);
    }

    boolean isDone(int index) {
        return done.get(index);
    }

    int doneCount() {
        return doneCount;
    }

    int chunks() {
        return chunks;
    }

    boolean complete() {
        return doneCount == chunks;
    }

    /** Chunks remain but no worker is left to fetch them. */
    boolean stuck() {
        return !complete() && workers.values().stream().noneMatch(Worker::active);
    }

    /** The reason the last worker was retired for a failure ("" if none was). */
    String lastFailure() {
        return lastFailure;
    }

    Actions<P> plan(long now) {
        Actions<P> a = new Actions<>();
        for (Map.Entry<P, Worker> e : workers.entrySet()) {
            Worker w = e.getValue();
            if (!w.active() || w.assigned.size() > batch || pending.isEmpty()) {
                continue;
            }
            int want = 2 * batch - w.assigned.size();
            List<Integer> got = new ArrayList<>();
            while (got.size() < want && !pending.isEmpty()) {
                got.add(pending.pollFirst());
            }
            give(a, e.getKey(), w, got, now);
        }
        if (!pending.isEmpty()) {
            return a;
        }
        for (Map.Entry<P, Worker> e : workers.entrySet()) {
            P p = e.getKey();
            Worker w = e.getValue();
            if (!w.active() || !w.assigned.isEmpty()) {
                continue;
            }
            Map.Entry<P, Worker> busiest = workers.entrySet().stream()
                    .filter(o -> o.getValue().active() && o.getValue().assigned.size() > 1)
                    .max(Comparator.comparingInt(o -> o.getValue().assigned.size()))
                    .orElse(null);
            if (busiest != null) {
                List<Integer> queue = new ArrayList<>(busiest.getValue().assigned);
                int k = Math.min(batch, queue.size() / 2);
                List<Integer> stolen = new ArrayList<>(queue.subList(queue.size() - k, queue.size()));
                for (int i : stolen) {
                    busiest.getValue().assigned.remove(i);
                    holders.get(i).remove(busiest.getKey());
                }
                a.cancel()
                        .computeIfAbsent(busiest.getKey(), x -> new ArrayList<>())
                        .addAll(stolen);
                give(a, p, w, stolen, now);
                continue;
            }
            // end game: a second copy of the outstanding chunk that has been waiting longest
            Integer dup = null;
            long oldest = Long.MAX_VALUE;
            for (Map.Entry<Integer, Set<P>> h : holders.entrySet()) {
                if (h.getValue().size() == 1 && !h.getValue().contains(p)) {
                    Worker holder = workers.get(h.getValue().iterator().next());
                    if (holder.lastProgressNanos < oldest) {
                        oldest = holder.lastProgressNanos;
                        dup = h.getKey();
                    }
                }
            }
            if (dup != null) {
                give(a, p, w, List.of(dup), now);
            }
        }
        return a;
    }

    private void give(Actions<P> a, P p, Worker w, List<Integer> got, long now) {
        if (got.isEmpty()) {
            return;
        }
        if (w.assigned.isEmpty()) {
            w.lastProgressNanos = now;
        }
        List<Integer> sorted = new ArrayList<>(got);
        sorted.sort(null);
        for (int i : sorted) {
            w.assigned.add(i);
            holders.computeIfAbsent(i, x -> new LinkedHashSet<>()).add(p);
        }
        a.assign().computeIfAbsent(p, x -> new ArrayList<>()).addAll(sorted);
        // a cancel and an assign of the same chunk to the same worker cancel out
        List<Integer> c = a.cancel().get(p);
        if (c != null) {
            c.removeAll(sorted);
            if (c.isEmpty()) {
                a.cancel().remove(p);
            }
        }
    }

    /**
     * Chunk {@code index} arrived from {@code from} and is stored.
     *
     * @return null if it was already done, else the other workers it was also assigned to (to cancel)
     */
    List<P> received(P from, int index, long now) {
        if (index < 0 || index >= chunks || done.get(index)) {
            return null;
        }
        done.set(index);
        doneCount++;
        pending.remove(index);
        Worker w = workers.get(from);
        if (w != null) {
            w.received++;
            w.lastProgressNanos = now;
            w.assigned.remove(index);
        }
        List<P> others = new ArrayList<>();
        Set<P> hs = holders.remove(index);
        if (hs != null) {
            for (P p : hs) {
                Worker o = workers.get(p);
                if (!p.equals(from) && o != null) {
                    o.assigned.remove(index);
                    if (o.active()) {
                        others.add(p);
                    }
                }
            }
        }
        return others;
    }

    /** A heartbeat: {@code bytes} read from the origin so far; counts as progress when it grew. */
    void progress(P p, long bytes, long now) {
        Worker w = workers.get(p);
        if (w != null && bytes > w.progressBytes) {
            w.progressBytes = bytes;
            w.lastProgressNanos = now;
        }
    }

    /** Takes {@code p} out of the plan; its unfinished chunks become pending again. */
    void retire(P p, String state, String reason) {
        Worker w = workers.get(p);
        if (w == null || !w.active()) {
            return;
        }
        w.state = state;
        w.reason = reason == null ? "" : reason;
        if (state.equals(FAILED)) {
            lastFailure = w.reason;
        }
        for (int i : w.assigned) {
            Set<P> hs = holders.get(i);
            if (hs != null) {
                hs.remove(p);
                if (hs.isEmpty()) {
                    holders.remove(i);
                    if (!done.get(i)) {
                        pending.add(i);
                    }
                }
            }
        }
        w.assigned.clear();
    }

    /** Retires (as stalled) every worker with work that made no progress within the bound; returns them. */
    List<P> stalled(long now) {
        List<P> out = new ArrayList<>();
        for (Map.Entry<P, Worker> e : workers.entrySet()) {
            Worker w = e.getValue();
            if (w.active() && !w.assigned.isEmpty() && now - w.lastProgressNanos > stallNanos) {
                out.add(e.getKey());
            }
        }
        for (P p : out) {
            retire(p, STALLED, "no progress for " + stallNanos / 1_000_000_000L + " s");
        }
        return out;
    }
}

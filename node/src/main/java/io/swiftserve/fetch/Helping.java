package io.swiftserve.fetch;

import io.swiftserve.chain.Blockchain;
import io.swiftserve.chain.Hash;
import io.swiftserve.net.PeerSession;
import io.swiftserve.transfer.ChunkLayout;
import io.swiftserve.transfer.TransferService;
import java.nio.file.Path;
import java.util.BitSet;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicLong;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The helper's role in collaborative downloads: the {@link HelperTask}s this node runs for other
 * requesters (admitted by {@link HelperLimits}), and taking their chunks into the published
 * version once it reaches this node's ledger.
 */
final class Helping {
    private static final Logger log = LoggerFactory.getLogger(FetchService.class);
    private static final long ADOPT_WAIT_MS = 120_000;

    private final Blockchain chain;
    private final TransferService transfer;
    private final Path partialDir;
    private final Origin origin;
    private final HelperLimits limits;
    private final int batchBytes;
    private final Map<HelperKey, HelperTask> tasks = new ConcurrentHashMap<>();
    private final List<Adoption> adoptions = new CopyOnWriteArrayList<>();
    private final AtomicLong taskCounter = new AtomicLong();
    private final AtomicLong chunksAdopted = new AtomicLong();
    private volatile boolean closed;

    /** A helper task belongs to one session of the requester: a replaced session starts afresh. */
    private record HelperKey(PeerSession requester, Hash fetchId) {}

    Helping(
            Blockchain chain,
            TransferService transfer,
            Path partialDir,
            Origin origin,
            HelperLimits limits,
            int batchBytes) {
        this.chain = chain;
        this.transfer = transfer;
        this.partialDir = partialDir;
        this.origin = origin;
        this.limits = limits;
        this.batchBytes = batchBytes;
    }

    /**
     * A requester's assignment: checked against {@link HelperLimits} (and, for a new task, the
     * task limits) before anything is created; a refusal is one FetchFailed with the reason and one
     * log line, and the requester gives the chunks to others.
     */
    void onAssign(PeerSession from, FetchInbound.Assignment m) {
        Hash id = m.fetchId();
        HelperKey key = new HelperKey(from, id);
        String problem;
        HelperTask task;
        synchronized (tasks) {
            task = tasks.get(key);
            Object checked = limits.layoutOrProblem(m);
            ChunkLayout layout = checked instanceof ChunkLayout l ? l : null;
            problem = layout == null ? (String) checked : null;
            if (problem == null && task != null && !task.sameAs(m.url(), layout, m.etag())) {
                problem = "the assignment changes the URL, size or ETag of fetch " + id.shortHex();
            }
            if (problem == null) {
                long queuedBytes = tasks.values().stream()
                        .mapToLong(t -> (long) t.queued() * t.layout.chunkSize())
                        .sum();
                problem = limits.indicesProblem(layout, m.indices(), task == null ? 0 : task.queued(), queuedBytes);
            }
            if (problem == null && task == null) {
                problem = closed ? "the node is stopping" : HelperLimits.taskProblem(from.peer(), tasks.values());
            }
            if (problem == null && task == null) {
                HelperTask[] self = new HelperTask[1];
                task = new HelperTask(
                        from,
                        id,
                        m.url(),
                        layout,
                        m.etag(),
                        origin,
                        Guard.helper(limits.targets()),
                        2 * Math.max(1, batchBytes / layout.chunkSize()),
                        partialDir.resolve("fetch-" + id + "-" + taskCounter.incrementAndGet() + ".helper"),
                        () -> drop(key, self[0]));
                self[0] = task;
                tasks.put(key, task);
                log.info(
                        "helping {} fetch {} ({} bytes)",
                        from.peer().shortId(),
                        io.swiftserve.util.LogText.escape(m.url()),
                        m.size());
            }
        }
        if (problem != null) {
            problem = "refusing the assignment: " + io.swiftserve.util.LogText.escape(problem);
            log.info(
                    "refused fetch {} of {} from {}: {}",
                    id.shortHex(),
                    io.swiftserve.util.LogText.escape(m.url()),
                    from.peer().shortId(),
                    problem);
            FetchMessages.failed(from, id, m.indices(), problem, false);
            return;
        }
        task.assign(m.indices());
    }

    void onCancel(PeerSession from, FetchInbound.Cancel m) {
        HelperKey key = new HelperKey(from, m.fetchId());
        HelperTask task = tasks.get(key);
        if (task == null) {
            return;
        }
        if (!m.indices().isEmpty()) {
            task.cancel(m.indices());
            return;
        }
        tasks.remove(key, task);
        BitSet held = task.end();
        if (m.fileId() != null && !held.isEmpty()) {
            adoptions.add(new Adoption(task, m.fileId(), held, System.currentTimeMillis() + ADOPT_WAIT_MS));
            checkAdoptions();
        } else {
            task.discard();
        }
    }

    private record Adoption(HelperTask task, Hash fileId, BitSet held, long deadlineMs) {}

    /**
     * Takes a finished fetch's chunks into the published version as soon as its FileAdd is in this
     * node's ledger (the requester's FetchCancel and the block race each other). Runs on every head
     * change, right after the transfer service was told (so its download exists), and on a timer.
     */
    @SuppressWarnings("ModifyCollectionInEnhancedForLoop") // a CopyOnWriteArrayList iterates a snapshot
    void checkAdoptions() {
        if (adoptions.isEmpty()) {
            return;
        }
        var state = chain.state();
        for (Adoption a : adoptions) {
            boolean inLedger = state.files().stream().anyMatch(f -> f.fileId().equals(a.fileId()));
            // in the ledger is not enough: the download opens once the version's manifest arrived
            boolean ready = inLedger && transfer.tracks(a.fileId());
            if (!ready && System.currentTimeMillis() < a.deadlineMs() && !closed) {
                continue;
            }
            if (!adoptions.remove(a)) {
                continue;
            }
            if (!ready) {
                log.info(
                        "fetched chunks of {} not taken in: version {} (or its manifest) did not reach this node",
                        a.task().fetchId.shortHex(),
                        a.fileId().shortHex());
                a.task().discard();
                continue;
            }
            transfer.adoptChunks(a.fileId(), a.task().file, a.held()).whenComplete((n, e) -> {
                if (e != null) {
                    log.warn(
                            "taking in fetched chunks of {} failed: {}",
                            a.fileId().shortHex(),
                            e.toString());
                } else {
                    chunksAdopted.addAndGet(n);
                    log.info(
                            "took {} of the {} chunks this node fetched into {}",
                            n,
                            a.held().cardinality(),
                            a.fileId().shortHex());
                }
                a.task().discard();
            });
        }
    }

    long chunksAdopted() {
        return chunksAdopted.get();
    }

    /** A task whose worker failed before holding any chunk (a refused or unreachable origin) frees its slot at once. */
    private void drop(HelperKey key, HelperTask task) {
        if (task != null && tasks.remove(key, task)) {
            task.end();
            task.discard();
        }
    }

    /** About once a second: each working task reports its progress to its requester. */
    void heartbeat() {
        tasks.values().forEach(HelperTask::heartbeat);
    }

    /** The requester's session is gone: its tasks end and their files go. */
    void sessionDown(PeerSession s) {
        tasks.entrySet().removeIf(e -> {
            if (e.getValue().requester == s) {
                e.getValue().end();
                e.getValue().discard();
                return true;
            }
            return false;
        });
    }

    void close() {
        closed = true;
        for (HelperTask t : tasks.values()) {
            t.end();
            t.discard();
        }
        tasks.clear();
        adoptions.forEach(a -> a.task().discard());
        adoptions.clear();
    }
}

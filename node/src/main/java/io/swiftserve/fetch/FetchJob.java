package io.swiftserve.fetch;

import io.swiftserve.chain.Hash;
import io.swiftserve.identity.NodeId;
import io.swiftserve.net.ChunkFrame;
import io.swiftserve.net.PeerSession;
import io.swiftserve.transfer.ChunkLayout;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.BitSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The requester's side of one fetch, on a thread of its own: probe the origin, cut the file into
 * the ledger's chunking, let a {@link FetchPlan} hand chunks to this node and to the helpers, write
 * every chunk at its offset in {@code partial/fetch-<id>.download}, then verify and publish the file
 * exactly as {@code add} does. Any failure ends the job with a one-line error and nothing published.
 */
final class FetchJob implements Runnable {
    private static final Logger log = LoggerFactory.getLogger(FetchJob.class);
    private static final long RECORD_EVERY_NANOS = 1_000_000_000L;

    final Hash id;
    final String url;
    final String path;
    final String expectedSha;
    final int helpersWanted;
    private final FetchService service;
    private final NodeId self;
    private final Guard guard;
    private final long createdMs = System.currentTimeMillis();

    private volatile FetchState state = FetchState.PROBING;
    private volatile String error = "";
    private volatile String fileId = "";
    private volatile long version;
    private volatile String sha256 = "";
    private volatile boolean ranges;
    private volatile long size = -1;
    private volatile ChunkLayout layout;
    private volatile long downloadStartNanos;
    private volatile long downloadEndNanos;
    private volatile long finishedMs;
    private volatile long bytesDone;
    private volatile long publishNanos;
    private volatile int resumedChunks;
    private volatile boolean downloadingWhenFailed;
    /** Set once this attempt works on the download file: a failure before that leaves a kept one alone. */
    private volatile boolean usingDownload;
    private volatile boolean failed;
    private final java.util.concurrent.CountDownLatch over = new java.util.concurrent.CountDownLatch(1);

    /** A worker: this node (session null) or one session of a helper; a helper that reconnects is a new worker. */
    record Who(NodeId id, PeerSession session) {
        boolean isSelf() {
            return session == null;
        }
    }

    // guarded by this
    private FetchPlan<Who> plan;
    private final Who me;
    private final FetchCrew crew;
    /** Chunks a helper sent that were not on its list at the time (dropped), by helper. */
    private final Map<Who, Integer> unassigned = new java.util.HashMap<>();
    private String source = "";
    private String etag = "";
    private String fatal;
    private DownloadFile file;
    /** Whether a failure keeps the download for a later attempt: set once chunks are on disk and the origin has an ETag. */
    private boolean resumable;

    FetchJob(FetchService service, NodeId self, Hash id, String url, String path, String expectedSha, int helpersWanted,
             Guard guard) {
        this.service = service;
        this.guard = guard;
        this.self = self;
        this.id = id;
        this.url = url;
        this.path = path;
        this.expectedSha = expectedSha;
        this.helpersWanted = helpersWanted;
        this.me = new Who(self, null);
        this.crew = new FetchCrew(id, service, helpersWanted, me);
    }

    /** A failure that ends the fetch; its message is the user's one line. */
    static final class FetchFailure extends Exception {
        FetchFailure(String message) {
            super(message, null, false, false);
        }
    }

    boolean finished() {
        return state.finished();
    }

    @Override
    public void run() {
        try {
            file = new DownloadFile(new FetchResume(service.partialDir(), url, path));
            Origin.Probe probe;
            try {
                probe = service.origin().probe(url, guard);
            } catch (Origin.OriginException e) {
                throw new FetchFailure(e.getMessage());
            }
            ranges = probe.ranges() && probe.size() > 0;
            usingDownload = true;
            downloadStartNanos = System.nanoTime();
            state = FetchState.DOWNLOADING;
            if (ranges) {
                collaborative(probe);
            } else {
                single(probe);
            }
            downloadEndNanos = System.nanoTime();
            publish();
            publishNanos = System.nanoTime() - downloadEndNanos;
        } catch (FetchFailure e) {
            fail(e.getMessage());
        } catch (Exception e) {
            log.warn("fetch {} failed", url, e);
            fail("fetch failed: " + Origin.oneLine(e));
        } finally {
            if (!failed || !downloadingWhenFailed) {
                resumable = false;   // done, or the bytes failed their check: nothing to keep
            }
            if (downloadEndNanos == 0) {
                downloadEndNanos = System.nanoTime();
            }
            cleanup();
            finishedMs = System.currentTimeMillis();
            // only now: whoever sees the end may start the same fetch again, and finds the files settled
            state = failed ? FetchState.FAILED : FetchState.DONE;
            over.countDown();
        }
    }

    // ------------------------------------------------------------------ collaborative download

    private void collaborative(Origin.Probe probe) throws FetchFailure, IOException, InterruptedException {
        size = probe.size();
        ChunkLayout l = ChunkLayout.forSize(size);
        int batch = Math.max(1, service.settings().batchBytes() / l.chunkSize());
        BitSet kept = file.kept(l, probe.etag());
        file.create(l);
        synchronized (this) {
            plan = new FetchPlan<>(l.chunkCount(), batch, service.settings().stallMs() * 1_000_000L);
            resumedChunks = plan.alreadyHave(kept);
            layout = l;
            source = probe.url();
            etag = probe.etag();
            resumable = !etag.isEmpty();
            plan.addWorker(me, System.nanoTime());
            crew.begin(plan, source, l, etag);
            crew.enlist(true);
            crew.local(new RangeWorker(service.origin(), guard, source, l, etag, 2 * batch, this::localChunk,
                    (indices, reason, fatal) -> failed(me, reason, fatal)));
        }
        List<Who> helpers = crew.helpers();
        log.info("fetching {} ({} bytes, {} chunks of {} KiB) with {} helpers: {}", source, size, l.chunkCount(),
                l.chunkSize() / 1024, helpers.size(), helpers.stream().map(h -> h.id().shortId()).toList());
        if (resumedChunks > 0) {
            log.info("fetch {}: resuming, {} of {} chunks kept from an earlier attempt", id.shortHex(), resumedChunks, l.chunkCount());
        }
        service.transfer().registerSink(id, this::onChunk);
        crew.local().start("fetch-" + id.shortHex());
        synchronized (this) {
            crew.act(plan.plan(System.nanoTime()));
        }
        long nextSave = System.nanoTime() + RECORD_EVERY_NANOS;
        int savedCount = resumedChunks;
        while (true) {
            BitSet toRecord = null;
            synchronized (this) {
                if (fatal != null) {
                    throw new FetchFailure(fatal);
                }
                long now = System.nanoTime();
                for (Who p : plan.stalled(now)) {
                    log.info("fetch {}: {} made no progress for {} s; its chunks go to the others", id.shortHex(),
                            FetchCrew.name(p), service.settings().stallMs() / 1000);
                    crew.stopWorker(p);
                }
                if (plan.complete()) {
                    break;
                }
                crew.enlist(false);
                if (plan.stuck()) {
                    String why = plan.lastFailure();
                    throw new FetchFailure("no member could download the rest of " + url + (why.isEmpty() ? "" : ": " + why));
                }
                crew.act(plan.plan(now));
                if (resumable && now >= nextSave && plan.doneCount() != savedCount) {
                    toRecord = plan.doneSet();
                    savedCount = plan.doneCount();
                    nextSave = now + RECORD_EVERY_NANOS;
                }
                wait(100);
            }
            if (toRecord != null) {
                try {
                    record(toRecord);   // outside the lock: forcing the download to disk can take a while
                } catch (IOException e) {
                    log.warn("fetch {}: cannot record progress for a later attempt ({}); a stop now loses it",
                            id.shortHex(), Origin.oneLine(e));
                    resumable = false;
                }
            }
        }
        crew.local().stop();
        service.transfer().unregisterSink(id);
        file.close();
    }

    private void record(BitSet done) throws IOException {
        file.record(source, layout, etag, done);
    }

    /** Our own worker got a chunk: write it, then account. */
    private void localChunk(int index, byte[] data, int length) throws IOException {
        synchronized (this) {
            if (plan.isDone(index)) {
                return;
            }
        }
        try {
            write(index, ByteBuffer.wrap(data, 0, length));
        } catch (IOException e) {
            throw new RangeWorker.SinkException(e);
        }
        received(me, index, length);
    }

    /**
     * A helper's chunk frame, on the event loop: checked here, written on the fetch I/O pool. Only
     * the helper a chunk is assigned to may deliver it (end game: each of its holders): a member
     * cannot fill in chunks it was never given, and one sending such chunks is logged once.
     */
    private void onChunk(PeerSession from, ChunkFrame frame) {
        int index = frame.index();
        boolean wanted;
        Who who;
        synchronized (this) {
            who = plan == null ? null : crew.worker(from);
            wanted = who != null && !finished() && index >= 0 && index < plan.chunks()
                    && !plan.isDone(index) && frame.length() == layout.length(index);
            if (wanted && !plan.assignedTo(who, index)) {
                wanted = false;
                if (unassigned.merge(who, 1, Integer::sum) == 1) {
                    log.info("fetch {}: dropping chunk {} from {}: not assigned to it (further ones are counted, not logged)",
                            id.shortHex(), index, who.id().shortId());
                }
            }
        }
        if (!wanted) {
            frame.release();
            return;
        }
        int length = frame.length();
        from.bytesIn().addAndGet(length);
        service.io().execute(() -> {
            try {
                write(index, frame.payload());
            } catch (IOException e) {
                synchronized (this) {
                    fatal = "cannot write the download to " + file.path() + ": " + Origin.oneLine(e);
                    notifyAll();
                }
                return;
            } finally {
                frame.release();
            }
            received(who, index, length);
        });
    }

    private void write(int index, ByteBuffer data) throws IOException {
        file.write(layout.offset(index), data);
    }

    private synchronized void received(Who from, int index, int length) {
        List<Who> others = plan.received(from, index, System.nanoTime());
        if (others == null) {
            return;
        }
        bytesDone += length;
        crew.cancel(others, index);
        notifyAll();
    }

    /** A helper's session reports a failure. */
    synchronized void failed(PeerSession from, String reason, boolean isFatal) {
        Who w = crew.worker(from);
        if (w != null) {
            failed(w, reason, isFatal);
        }
    }

    /** A worker could not download its chunks: fatal ends the fetch, otherwise the worker is retired. */
    synchronized void failed(Who from, String reason, boolean isFatal) {
        if (plan == null || !plan.isWorker(from)) {
            return;
        }
        log.info("fetch {}: {} failed: {}{}", id.shortHex(), FetchCrew.name(from), io.swiftserve.util.LogText.escape(reason),
                isFatal ? "" : " (its chunks go to the others)");
        if (isFatal) {
            fatal = reason;
        } else {
            plan.retire(from, FetchPlan.FAILED, reason);
        }
        notifyAll();
    }

    synchronized void progress(PeerSession from, long bytes) {
        Who w = crew.worker(from);
        if (plan != null && w != null) {
            plan.progress(w, bytes, System.nanoTime());
        }
    }

    synchronized void sessionDown(PeerSession s) {
        Who w = crew.worker(s);
        if (!finished() && plan != null && w != null && plan.workers().get(w).active()) {
            log.info("fetch {}: helper {} disconnected; its chunks go to the others", id.shortHex(), s.peer().shortId());
            plan.retire(w, FetchPlan.GONE, "disconnected");
            notifyAll();
        }
    }

    // ------------------------------------------------------------------ single download (no Range support)

    private void single(Origin.Probe probe) throws FetchFailure, IOException {
        file.discard();   // one stream from the start: nothing of an earlier attempt is used
        SingleStream.download(service.origin(), guard, probe, file.path(), url, new SingleProgress());
    }

    /** Keeps the status of a single-stream download in the same plan a collaborative one uses. */
    private final class SingleProgress implements SingleStream.Progress {
        @Override
        public void started(long announced, ChunkLayout l) {
            synchronized (FetchJob.this) {
                size = announced;
                layout = l;
                bytesDone = 0;
                plan = new FetchPlan<>(l.chunkCount(), 1, Long.MAX_VALUE);
                plan.addWorker(me, System.nanoTime());
            }
        }

        @Override
        public int wrote(long total, long announced, ChunkLayout l, int nextChunk) {
            int chunk = nextChunk;
            synchronized (FetchJob.this) {
                bytesDone = total;
                while (announced > 0 && chunk < l.chunkCount() && total >= l.offset(chunk) + l.length(chunk)) {
                    plan.received(me, chunk++, System.nanoTime());
                }
            }
            return chunk;
        }

        @Override
        public void ended(long total, long announced) {
            synchronized (FetchJob.this) {
                size = total;
                if (announced < 0) {
                    layout = ChunkLayout.forSize(total);
                    plan = new FetchPlan<>(layout.chunkCount(), 1, Long.MAX_VALUE);
                    plan.addWorker(me, System.nanoTime());
                    for (int i = 0; i < layout.chunkCount(); i++) {
                        plan.received(me, i, System.nanoTime());
                    }
                }
            }
        }
    }

    // ------------------------------------------------------------------ verify and publish

    private void publish() throws FetchFailure {
        state = FetchState.VERIFYING;
        Publication.Published p = Publication.publish(service, file.path(), size, expectedSha, path, url,
                (downloadEndNanos - downloadStartNanos) / 1_000_000);
        sha256 = p.sha256();
        fileId = p.fileId();
        version = p.version();
        synchronized (this) {
            crew.published(Hash.parse(fileId));
        }
    }

    private void fail(String message) {
        downloadingWhenFailed = state == FetchState.DOWNLOADING;
        String keep = "";
        synchronized (this) {
            if (downloadingWhenFailed && resumable && plan != null && plan.doneCount() > 0) {
                keep = "; run the same fetch again to resume (" + plan.doneCount() + " of " + plan.chunks() + " chunks kept)";
            }
        }
        error = message + keep;
        failed = true;
        log.warn("fetch of {} failed: {}", url, message);
        synchronized (this) {
            crew.stopHelpers();
        }
    }

    private void cleanup() {
        service.transfer().unregisterSink(id);
        synchronized (this) {
            if (crew.local() != null) {
                crew.local().stop();
            }
            notifyAll();
        }
        BitSet keep = null;
        synchronized (this) {
            if (resumable && plan != null && plan.doneCount() > 0) {
                keep = plan.doneSet();
            }
        }
        try {
            if (keep != null) {
                record(keep);
            }
        } catch (IOException e) {
            log.warn("cannot keep the partial download of {} for a later attempt: {}", url, Origin.oneLine(e));
            keep = null;
        }
        try {
            if (file != null && file.isOpen()) {
                file.close();
            }
        } catch (IOException e) {
            log.debug("closing {}: {}", file.path(), e.toString());
        }
        if (keep == null && file != null && usingDownload) {
            file.discard();
        }
    }

    /** Waits until the job has ended and cleaned up (a kept download is recorded by then). */
    boolean awaitEnd(long millis) throws InterruptedException {
        return over.await(millis, java.util.concurrent.TimeUnit.MILLISECONDS);
    }

    /** Stops a running job (node shutdown). */
    synchronized void abort(String why) {
        if (fatal == null) {
            fatal = why;
        }
        notifyAll();
    }

    // ------------------------------------------------------------------ status

    synchronized Map<String, Object> status() {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("id", id.toString());
        m.put("url", url);
        m.put("path", path);
        m.put("state", state.label());
        m.put("error", error);
        m.put("ranges", ranges);
        m.put("size", size);
        ChunkLayout l = layout;
        m.put("chunkSize", l == null ? 0 : l.chunkSize());
        m.put("chunks", plan == null ? 0 : plan.chunks());
        m.put("done", plan == null ? 0 : plan.doneCount());
        m.put("resumedChunks", resumedChunks);
        m.put("bytes", bytesDone);
        long end = downloadEndNanos != 0 ? downloadEndNanos : System.nanoTime();
        double seconds = downloadStartNanos == 0 ? 0 : (end - downloadStartNanos) / 1e9;
        m.put("seconds", seconds);
        m.put("rate", seconds > 0 ? bytesDone / seconds : 0.0);
        m.put("publishSeconds", publishNanos / 1e9);
        m.put("sha256", sha256);
        m.put("fileId", fileId);
        m.put("version", version);
        m.put("createdMs", createdMs);
        m.put("finishedMs", finishedMs);
        List<Map<String, Object>> workers = new ArrayList<>();
        if (plan != null) {
            plan.workers().forEach((p, w) -> {
                Map<String, Object> h = new LinkedHashMap<>();
                h.put("node", p.id().toString());
                h.put("self", p.isSelf());
                h.put("state", w.state);
                h.put("chunks", w.received);
                h.put("outstanding", w.assigned.size());
                h.put("reason", w.reason);
                workers.add(h);
            });
        }
        m.put("helpers", workers);
        m.put("unassignedChunksDropped", unassigned.values().stream().mapToInt(Integer::intValue).sum());
        return m;
    }
}

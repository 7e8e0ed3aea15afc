package io.swiftserve.fetch;

import io.swiftserve.chain.Hash;
import io.swiftserve.identity.NodeId;
import io.swiftserve.net.PeerSession;
import io.swiftserve.transfer.ChunkLayout;
import java.io.IOException;
import java.util.BitSet;
import java.util.List;
import java.util.Map;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The requester's side of one fetch, on a thread of its own: probe the origin, cut the file into
 * the ledger's chunking, let a {@link FetchPlan} hand chunks to this node and to the helpers, write
 * every chunk at its offset in {@code partial/fetch-<id>.download}, then verify and publish the file
 * exactly as {@code add} does. Any failure ends the job with a one-line error and nothing published.
 * The chunks land in a {@link FetchSink}; what the job shows is its {@link FetchReport}.
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
    private final Guard guard;
    private final FetchReport report = new FetchReport();
    private volatile ChunkLayout layout;
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
    private FetchSink sink;
    private String source = "";
    private String etag = "";
    private String fatal;
    private DownloadFile file;
    /** Whether a failure keeps the download for a later attempt: set once chunks are on disk and the origin has an ETag. */
    private boolean resumable;

    FetchJob(
            FetchService service,
            NodeId self,
            Hash id,
            String url,
            String path,
            String expectedSha,
            int helpersWanted,
            Guard guard) {
        this.service = service;
        this.guard = guard;
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
        return report.state.finished();
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
            report.ranges = probe.ranges() && probe.size() > 0;
            usingDownload = true;
            report.downloadStartNanos = System.nanoTime();
            report.state = FetchState.DOWNLOADING;
            if (report.ranges) {
                collaborative(probe);
            } else {
                single(probe);
            }
            report.downloadEndNanos = System.nanoTime();
            publish();
            report.publishNanos = System.nanoTime() - report.downloadEndNanos;
        } catch (FetchFailure e) {
            fail(e.getMessage());
        } catch (Exception e) {
            log.warn("fetch {} failed", url, e);
            fail("fetch failed: " + Origin.oneLine(e));
        } finally {
            if (!failed || !downloadingWhenFailed) {
                resumable = false; // done, or the bytes failed their check: nothing to keep
            }
            if (report.downloadEndNanos == 0) {
                report.downloadEndNanos = System.nanoTime();
            }
            cleanup();
            report.finishedMs = System.currentTimeMillis();
            // only now: whoever sees the end may start the same fetch again, and finds the files settled
            report.state = failed ? FetchState.FAILED : FetchState.DONE;
            over.countDown();
        }
    }

    // ------------------------------------------------------------------ collaborative download

    private void collaborative(Origin.Probe probe) throws FetchFailure, IOException, InterruptedException {
        long size = probe.size();
        report.size = size;
        ChunkLayout l = ChunkLayout.forSize(size);
        int batch = Math.max(1, service.settings().batchBytes() / l.chunkSize());
        BitSet kept = file.kept(l, probe.etag());
        file.create(l);
        synchronized (this) {
            plan = new FetchPlan<>(l.chunkCount(), batch, service.settings().stallMs() * 1_000_000L);
            int resumedChunks = plan.alreadyHave(kept);
            report.resumedChunks = resumedChunks;
            layout = l;
            sink = new FetchSink(this, plan, crew, l, file, service.io(), report);
            source = probe.url();
            etag = probe.etag();
            resumable = !etag.isEmpty();
            plan.addWorker(me, System.nanoTime());
            crew.begin(plan, source, l, etag);
            crew.enlist(true);
            crew.local(new RangeWorker(
                    service.origin(),
                    guard,
                    source,
                    l,
                    etag,
                    2 * batch,
                    (index, data, length) -> sink.localChunk(me, index, data, length),
                    (indices, reason, fatal) -> failed(me, reason, fatal)));
        }
        List<Who> helpers = crew.helpers();
        log.info(
                "fetching {} ({} bytes, {} chunks of {} KiB) with {} helpers: {}",
                source,
                size,
                l.chunkCount(),
                l.chunkSize() / 1024,
                helpers.size(),
                helpers.stream().map(h -> h.id().shortId()).toList());
        if (report.resumedChunks > 0) {
            log.info(
                    "fetch {}: resuming, {} of {} chunks kept from an earlier attempt",
                    id.shortHex(),
                    report.resumedChunks,
                    l.chunkCount());
        }
        service.transfer().registerSink(id, sink::onChunk);
        crew.local().start("fetch-" + id.shortHex());
        synchronized (this) {
            crew.act(plan.plan(System.nanoTime()));
        }
        long nextSave = System.nanoTime() + RECORD_EVERY_NANOS;
        int savedCount = report.resumedChunks;
        while (true) {
            BitSet toRecord = null;
            synchronized (this) {
                if (fatal != null) {
                    throw new FetchFailure(fatal);
                }
                long now = System.nanoTime();
                for (Who p : plan.stalled(now)) {
                    log.info(
                            "fetch {}: {} made no progress for {} s; its chunks go to the others",
                            id.shortHex(),
                            FetchCrew.name(p),
                            service.settings().stallMs() / 1000);
                    crew.stopWorker(p);
                }
                if (plan.complete()) {
                    break;
                }
                crew.enlist(false);
                if (plan.stuck()) {
                    String why = plan.lastFailure();
                    throw new FetchFailure(
                            "no member could download the rest of " + url + (why.isEmpty() ? "" : ": " + why));
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
                    record(toRecord); // outside the lock: forcing the download to disk can take a while
                } catch (IOException e) {
                    log.warn(
                            "fetch {}: cannot record progress for a later attempt ({}); a stop now loses it",
                            id.shortHex(),
                            Origin.oneLine(e));
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
        log.info(
                "fetch {}: {} failed: {}{}",
                id.shortHex(),
                FetchCrew.name(from),
                io.swiftserve.util.LogText.escape(reason),
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
            log.info(
                    "fetch {}: helper {} disconnected; its chunks go to the others",
                    id.shortHex(),
                    s.peer().shortId());
            plan.retire(w, FetchPlan.GONE, "disconnected");
            notifyAll();
        }
    }

    // ------------------------------------------------------------------ single download (no Range support)

    private void single(Origin.Probe probe) throws FetchFailure, IOException {
        file.discard(); // one stream from the start: nothing of an earlier attempt is used
        SingleStream.download(service.origin(), guard, probe, file.path(), url, new SingleProgress(this, report, me));
    }

    /** A single-stream download's layout and plan, once known. */
    synchronized void planned(ChunkLayout l, FetchPlan<Who> p) {
        layout = l;
        plan = p;
    }

    // ------------------------------------------------------------------ verify and publish

    private void publish() throws FetchFailure {
        report.state = FetchState.VERIFYING;
        Publication.Published p = Publication.publish(
                service,
                file.path(),
                report.size,
                expectedSha,
                path,
                url,
                (report.downloadEndNanos - report.downloadStartNanos) / 1_000_000);
        report.sha256 = p.sha256();
        report.fileId = p.fileId();
        report.version = p.version();
        synchronized (this) {
            crew.published(Hash.parse(p.fileId()));
        }
    }

    private void fail(String message) {
        downloadingWhenFailed = report.state == FetchState.DOWNLOADING;
        String keep = "";
        synchronized (this) {
            if (downloadingWhenFailed && resumable && plan != null && plan.doneCount() > 0) {
                keep = "; run the same fetch again to resume (" + plan.doneCount() + " of " + plan.chunks()
                        + " chunks kept)";
            }
        }
        report.error = message + keep;
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

    synchronized Map<String, Object> status() {
        return report.toMap(this, layout, plan, sink == null ? 0 : sink.unassignedDropped());
    }
}

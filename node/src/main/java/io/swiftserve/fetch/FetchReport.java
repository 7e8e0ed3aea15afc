package io.swiftserve.fetch;

import io.swiftserve.transfer.ChunkLayout;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * What a fetch shows while it runs and after: filled in by its {@link FetchJob} from its own thread
 * and the chunk sink, read by status requests from any thread (hence every field volatile). The
 * keys of {@link #toMap} are what {@code fetch --json}, the admin API and the CLI show.
 */
final class FetchReport {
    final long createdMs = System.currentTimeMillis();
    volatile FetchState state = FetchState.PROBING;
    volatile String error = "";
    volatile String fileId = "";
    volatile long version;
    volatile String sha256 = "";
    volatile boolean ranges;
    volatile long size = -1;
    volatile long downloadStartNanos;
    volatile long downloadEndNanos;
    volatile long finishedMs;
    volatile long bytesDone;
    volatile long publishNanos;
    volatile int resumedChunks;

    /** The status of fetch {@code job}; called under the job's lock, which guards {@code plan}. */
    Map<String, Object> toMap(FetchJob job, ChunkLayout layout, FetchPlan<FetchJob.Who> plan, int unassignedDropped) {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("id", job.id.toString());
        m.put("url", job.url);
        m.put("path", job.path);
        m.put("state", state.label());
        m.put("error", error);
        m.put("ranges", ranges);
        m.put("size", size);
        m.put("chunkSize", layout == null ? 0 : layout.chunkSize());
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
        m.put("helpers", workers(plan));
        m.put("unassignedChunksDropped", unassignedDropped);
        return m;
    }

    private static List<Map<String, Object>> workers(FetchPlan<FetchJob.Who> plan) {
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
        return workers;
    }
}

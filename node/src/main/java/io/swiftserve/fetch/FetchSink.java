package io.swiftserve.fetch;

import io.swiftserve.net.ChunkFrame;
import io.swiftserve.net.PeerSession;
import io.swiftserve.transfer.ChunkLayout;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Executor;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Where a collaborative fetch's chunks land, from this node's own worker and from the helpers:
 * each is checked against the plan, written at its offset in the download file and accounted. The
 * plan and the crew are guarded by the job's lock, which this class takes too; accounting wakes
 * the job's loop.
 */
final class FetchSink {
    /** The lines keep the logger they had before this class was split out of FetchJob. */
    private static final Logger log = LoggerFactory.getLogger(FetchJob.class);

    private final FetchJob job;
    private final FetchPlan<FetchJob.Who> plan;
    private final FetchCrew crew;
    private final ChunkLayout layout;
    private final DownloadFile file;
    private final Executor io;
    private final FetchReport report;
    /** Chunks a helper sent that were not on its list at the time (dropped), by helper; guarded by the job. */
    private final Map<FetchJob.Who, Integer> unassigned = new HashMap<>();

    FetchSink(
            FetchJob job,
            FetchPlan<FetchJob.Who> plan,
            FetchCrew crew,
            ChunkLayout layout,
            DownloadFile file,
            Executor io,
            FetchReport report) {
        this.job = job;
        this.plan = plan;
        this.crew = crew;
        this.layout = layout;
        this.file = file;
        this.io = io;
        this.report = report;
    }

    /** Our own worker got a chunk: write it, then account. */
    void localChunk(FetchJob.Who me, int index, byte[] data, int length) throws IOException {
        synchronized (job) {
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
    void onChunk(PeerSession from, ChunkFrame frame) {
        int index = frame.index();
        boolean wanted;
        FetchJob.Who who;
        synchronized (job) {
            who = crew.worker(from);
            wanted = who != null
                    && !job.finished()
                    && index >= 0
                    && index < plan.chunks()
                    && !plan.isDone(index)
                    && frame.length() == layout.length(index);
            if (wanted && !plan.assignedTo(who, index)) {
                wanted = false;
                if (unassigned.merge(who, 1, Integer::sum) == 1) {
                    log.info(
                            "fetch {}: dropping chunk {} from {}: not assigned to it (further ones are counted, not logged)",
                            job.id.shortHex(),
                            index,
                            who.id().shortId());
                }
            }
        }
        if (!wanted) {
            frame.release();
            return;
        }
        int length = frame.length();
        from.bytesIn().addAndGet(length);
        FetchJob.Who sender = who;
        io.execute(() -> {
            try {
                write(index, frame.payload());
            } catch (IOException e) {
                job.abort("cannot write the download to " + file.path() + ": " + Origin.oneLine(e));
                return;
            } finally {
                frame.release();
            }
            received(sender, index, length);
        });
    }

    /** Chunks dropped because their sender was not assigned them; under the job's lock. */
    int unassignedDropped() {
        return unassigned.values().stream().mapToInt(Integer::intValue).sum();
    }

    private void write(int index, ByteBuffer data) throws IOException {
        file.write(layout.offset(index), data);
    }

    private void received(FetchJob.Who from, int index, int length) {
        synchronized (job) {
            List<FetchJob.Who> others = plan.received(from, index, System.nanoTime());
            if (others == null) {
                return;
            }
            report.bytesDone += length;
            crew.cancel(others, index);
            job.notifyAll();
        }
    }
}

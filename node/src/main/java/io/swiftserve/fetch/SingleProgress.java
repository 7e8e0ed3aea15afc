package io.swiftserve.fetch;

import io.swiftserve.transfer.ChunkLayout;

/**
 * Keeps the status of a single-stream download ({@link SingleStream}) in the same shape a
 * collaborative one has: a plan with this node as its only worker, each chunk done once its bytes
 * are on disk. Runs on the job's thread, under the job's lock like every change of its plan.
 */
final class SingleProgress implements SingleStream.Progress {
    private final FetchJob job;
    private final FetchReport report;
    private final FetchJob.Who me;
    private FetchPlan<FetchJob.Who> plan;

    SingleProgress(FetchJob job, FetchReport report, FetchJob.Who me) {
        this.job = job;
        this.report = report;
        this.me = me;
    }

    @Override
    public void started(long announced, ChunkLayout l) {
        synchronized (job) {
            report.size = announced;
            report.bytesDone = 0;
            plan(l);
        }
    }

    @Override
    public int wrote(long total, long announced, ChunkLayout l, int nextChunk) {
        int chunk = nextChunk;
        synchronized (job) {
            report.bytesDone = total;
            while (announced > 0 && chunk < l.chunkCount() && total >= l.offset(chunk) + l.length(chunk)) {
                plan.received(me, chunk++, System.nanoTime());
            }
        }
        return chunk;
    }

    @Override
    public void ended(long total, long announced) {
        synchronized (job) {
            report.size = total;
            if (announced < 0) {
                ChunkLayout l = ChunkLayout.forSize(total);
                plan(l);
                for (int i = 0; i < l.chunkCount(); i++) {
                    plan.received(me, i, System.nanoTime());
                }
            }
        }
    }

    private void plan(ChunkLayout l) {
        plan = new FetchPlan<>(l.chunkCount(), 1, Long.MAX_VALUE);
        plan.addWorker(me, System.nanoTime());
        job.planned(l, plan);
    }
}

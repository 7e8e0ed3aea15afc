package io.swiftserve.cli;

import me.tongfei.progressbar.ProgressBar;
import me.tongfei.progressbar.ProgressBarBuilder;
import me.tongfei.progressbar.ProgressBarConsumer;

/**
 * The terminal bar of {@code add --wait}. The library redraws by moving the cursor up to the bar's
 * line, so any redraw after the caller printed a line lands on that line: {@link #finish(boolean)} draws
 * the last frame and stops the bar, and must come before the success line.
 */
final class ReplicationBar {
    private ProgressBar bar;
    private final ProgressBarConsumer consumer;
    private final long unit;

    /** {@code consumer} null: the library's own, on stderr. */
    ReplicationBar(ProgressBarConsumer consumer, long totalBytes) {
        this.consumer = consumer;
        this.unit = totalBytes >= 16L << 20 ? 1 << 20 : 1 << 10;
    }

    void show(ReplicationProgress p) {
        if (bar == null) {
            ProgressBarBuilder b = new ProgressBarBuilder()
                    .setTaskName("replicating")
                    .setInitialMax(p.total())
                    .setUnit(unit == 1 << 20 ? " MiB" : " KiB", unit)
                    .showSpeed()
                    .continuousUpdate();
            if (consumer != null) {
                b.setConsumer(consumer);
            }
            bar = b.build();
        }
        bar.maxHint(p.total());
        bar.stepTo(p.done());
        bar.setExtraMessage(" " + p.complete() + "/" + p.members() + " members");
    }

    /** Draws the last frame (full when {@code complete}) and stops the bar; nothing is drawn after this returns. */
    void finish(boolean complete) {
        if (bar != null) {
            if (complete) {
                bar.stepTo(bar.getMax());
            }
            bar.close();
            bar = null;
        }
    }
}

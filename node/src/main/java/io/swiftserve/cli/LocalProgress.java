package io.swiftserve.cli;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.Map;
import me.tongfei.progressbar.ProgressBar;
import me.tongfei.progressbar.ProgressBarBuilder;

/**
 * The progress bar of an add the daemon reads itself: the add is one request that returns when the
 * block is sealed, so a second thread asks the daemon how far it has read, five times a second.
 */
final class LocalProgress implements AutoCloseable {
    private static final long POLL_MS = 200;

    private final AdminCommand cmd;
    private final String id;
    private final Thread poller;
    private volatile boolean done;
    private ProgressBar bar;

    private LocalProgress(AdminCommand cmd, String id) {
        this.cmd = cmd;
        this.id = id;
        this.poller = new Thread(this::poll, "add-progress");
        poller.setDaemon(true);
    }

    static LocalProgress start(AdminCommand cmd, String name, String id) {
        LocalProgress p = new LocalProgress(cmd, id);
        p.bar = new ProgressBarBuilder()
                .setTaskName("adding " + name)
                .setInitialMax(0)
                .setUnit(" MiB", 1 << 20)
                .showSpeed()
                .continuousUpdate()
                .build();
        p.poller.start();
        return p;
    }

    private void poll() {
        while (!done) {
            try {
                JsonNode r = cmd.client().get("/add-progress", Map.of("progress", id));
                if (r.path("running").asBoolean()) {
                    bar.maxHint(r.path("total").asLong());
                    bar.stepTo(r.path("read").asLong());
                }
                Thread.sleep(POLL_MS);
            } catch (InterruptedException e) {
                return;
            } catch (RuntimeException
                    | io.swiftserve.admin.AdminClient.NotRunningException
                    | io.swiftserve.admin.AdminClient.RequestException e) {
                return; // the bar is a courtesy: the add itself reports any failure
            }
        }
    }

    @Override
    public void close() {
        done = true;
        poller.interrupt();
        try {
            poller.join(1000);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        bar.close();
    }
}

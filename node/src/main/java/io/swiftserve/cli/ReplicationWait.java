package io.swiftserve.cli;

import com.fasterxml.jackson.databind.JsonNode;
import io.swiftserve.admin.Json;
import java.io.PrintWriter;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.function.LongFunction;
import java.util.function.Supplier;

/** {@code add --wait}: polls the node until every current member reports the file version complete. */
final class ReplicationWait {
    private final Supplier<JsonNode> files;
    private final PrintWriter out;
    private final String fileId;
    private final String path;
    private final Duration limit;
    private final boolean json;
    /** From the bytes to copy to a bar; null: no bar (not a terminal, or --json). */
    private final LongFunction<ReplicationBar> bars;

    private final Duration poll;

    ReplicationWait(AdminCommand command, String fileId, String path, Duration limit, boolean json) {
        this(
                () -> command.get("/files", Map.of()),
                command.out(),
                fileId,
                path,
                limit,
                json,
                json || !Terminals.interactive() ? null : total -> new ReplicationBar(null, total),
                Duration.ofMillis(250));
    }

    ReplicationWait(
            Supplier<JsonNode> files,
            PrintWriter out,
            String fileId,
            String path,
            Duration limit,
            boolean json,
            LongFunction<ReplicationBar> bars,
            Duration poll) {
        this.files = files;
        this.out = out;
        this.fileId = fileId;
        this.path = path;
        this.limit = limit;
        this.json = json;
        this.bars = bars;
        this.poll = poll;
    }

    void run() {
        long start = System.nanoTime();
        long deadline = start + limit.toNanos();
        ReplicationProgress progress = new ReplicationProgress();
        ReplicationBar bar = null;
        try {
            while (true) {
                JsonNode file = find(files.get());
                if (file == null) {
                    throw CliException.failed(path + " is no longer in the network (replaced or deleted)");
                }
                progress.observe(file);
                if (bar == null && bars != null) {
                    bar = bars.apply(progress.total());
                }
                if (bar != null) {
                    bar.show(progress);
                }
                if (progress.finished()) {
                    if (bar != null) {
                        bar.finish(true);
                    }
                    report(progress.members(), (System.nanoTime() - start) / 1e9);
                    return;
                }
                if (System.nanoTime() > deadline) {
                    throw CliException.failed("timed out after " + limit.toSeconds() + " s: " + progress.complete()
                            + " of " + progress.members() + " members hold " + path);
                }
                Thread.sleep(poll.toMillis());
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw CliException.failed("interrupted");
        } finally {
            if (bar != null) {
                bar.finish(false); // a no-op once finished
            }
        }
    }

    private JsonNode find(JsonNode list) {
        for (JsonNode f : list.path("files")) {
            if (f.path("fileId").asText().equals(fileId)) {
                return f;
            }
        }
        return null;
    }

    private void report(int nodes, double seconds) {
        if (json) {
            Map<String, Object> m = new LinkedHashMap<>();
            m.put("fileId", fileId);
            m.put("path", path);
            m.put("members", nodes);
            m.put("seconds", seconds);
            out.println(Json.write(m));
        } else {
            out.printf("%s is on all %d members (%.1f s)%n", path, nodes, seconds);
        }
        out.flush();
    }
}

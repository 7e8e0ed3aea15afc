package io.swiftserve.cli;

import com.fasterxml.jackson.databind.JsonNode;
import io.swiftserve.admin.Json;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;
import me.tongfei.progressbar.ProgressBar;
import me.tongfei.progressbar.ProgressBarBuilder;

/** {@code add --wait}: polls the node until every current member reports the file version complete. */
final class ReplicationWait {
    private final AdminCommand command;
    private final String fileId;
    private final String path;
    private final Duration limit;
    private final boolean json;

    ReplicationWait(AdminCommand command, String fileId, String path, Duration limit, boolean json) {
        this.command = command;
        this.fileId = fileId;
        this.path = path;
        this.limit = limit;
        this.json = json;
    }

    void run() {
        long start = System.nanoTime();
        long deadline = start + limit.toNanos();
        ProgressBar bar = null;
        try {
            while (true) {
                JsonNode file = find(command.get("/files", Map.of()));
                if (file == null) {
                    throw CliException.failed(path + " is no longer in the network (replaced or deleted)");
                }
                int nodes = file.path("nodes").size();
                long chunks = Math.max(1, file.path("chunks").asLong());
                long have = 0;
                int complete = 0;
                for (JsonNode n : file.path("nodes")) {
                    have += n.path("have").asLong();
                    complete += n.path("complete").asBoolean() ? 1 : 0;
                }
                if (bar == null && !json && System.console() != null) {
                    bar = new ProgressBarBuilder().setTaskName("replicating").setInitialMax(chunks * nodes)
                            .setUnit(" chunks", 1).continuousUpdate().build();
                }
                if (bar != null) {
                    bar.stepTo(have);
                    bar.setExtraMessage(complete + "/" + nodes + " members");
                }
                if (complete == nodes) {
                    report(nodes, (System.nanoTime() - start) / 1e9);
                    return;
                }
                if (System.nanoTime() > deadline) {
                    throw CliException.failed("timed out after " + limit.toSeconds() + " s: " + complete + " of " + nodes
                            + " members hold " + path);
                }
                Thread.sleep(250);
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw CliException.failed("interrupted");
        } finally {
            if (bar != null) {
                bar.close();
            }
        }
    }

    private JsonNode find(JsonNode files) {
        for (JsonNode f : files.path("files")) {
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
            command.out().println(Json.write(m));
        } else {
            command.out().printf("%s is on all %d members (%.1f s)%n", path, nodes, seconds);
        }
        command.out().flush();
    }
}

package io.swiftserve.cli;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.Map;
import picocli.CommandLine.Command;

@Command(name = "ls", description = "List the network's files and this node's copy of each.")
final class LsCommand extends AdminCommand {
    @Override
    public Integer call() {
        JsonNode r = get("/files", Map.of());
        if (printedJson(r)) {
            return Main.OK;
        }
        out().printf("%-40s %8s %14s %8s  %s%n", "PATH", "VERSION", "SIZE", "CHUNKS", "HERE");
        for (JsonNode f : r.path("files")) {
            out().printf("%-40s %8d %14d %8d  %s%n", f.path("path").asText(), f.path("version").asLong(),
                    f.path("size").asLong(), f.path("chunks").asInt(), FileState.describe(f));
        }
        return Main.OK;
    }
}

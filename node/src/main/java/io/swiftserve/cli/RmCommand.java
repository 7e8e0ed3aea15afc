package io.swiftserve.cli;

import com.fasterxml.jackson.databind.JsonNode;
import java.time.Duration;
import java.util.Map;
import picocli.CommandLine.Command;
import picocli.CommandLine.Parameters;

@Command(name = "rm", description = "Delete a file from the network: every member removes its copy.")
final class RmCommand extends AdminCommand {
    @Parameters(paramLabel = "PATH", description = "The file's path in the network.")
    String path;

    @Override
    public Integer call() {
        JsonNode r = post("/rm", Map.of("path", path), Duration.ofSeconds(15));
        if (!printedJson(r)) {
            out().println("deleted " + path + " in block #" + r.path("height").asLong());
            String kept = r.path("keptAt").asText("");
            out().println(
                            kept.isEmpty()
                                    ? "no copy of it on this node to keep"
                                    : "this node's copy is kept as " + kept + " (swiftserve versions --data "
                                            + data.path() + " " + path + ")");
        }
        return Main.OK;
    }
}

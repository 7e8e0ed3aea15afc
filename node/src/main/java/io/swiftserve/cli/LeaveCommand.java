package io.swiftserve.cli;

import com.fasterxml.jackson.databind.JsonNode;
import java.time.Duration;
import java.util.Map;
import picocli.CommandLine.Command;

@Command(name = "leave", description = "End this node's membership (a transaction on the chain).")
final class LeaveCommand extends AdminCommand {
    @Override
    public Integer call() {
        JsonNode r = post("/leave", Map.of(), Duration.ofSeconds(15));
        if (!printedJson(r)) {
            out().println("left the network in block #" + r.path("height").asLong());
        }
        return Main.OK;
    }
}

package io.swiftserve.cli;

import com.fasterxml.jackson.databind.JsonNode;
import java.time.Duration;
import java.util.Map;
import picocli.CommandLine.Command;
import picocli.CommandLine.Parameters;

@Command(
        name = "approve",
        description = {
            "Admit a join waiting for approval ('swiftserve pending' lists them): its Join is sealed and the",
            "new machine becomes a member. Answers once the block is on this node's chain."
        })
final class ApproveCommand extends AdminCommand {
    @Parameters(
            paramLabel = "NODEID",
            description = "The waiting machine's id, or a unique prefix of at least 8 characters.")
    String nodeId;

    @Override
    public Integer call() {
        JsonNode r = post("/approve", Map.of("node", nodeId), Duration.ofSeconds(45));
        if (!printedJson(r)) {
            out().println("approved " + r.path("nodeId").asText() + ": a member since block #"
                    + r.path("height").asLong());
        }
        return Main.OK;
    }
}

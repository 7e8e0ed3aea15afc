package io.swiftserve.cli;

import com.fasterxml.jackson.databind.JsonNode;
import java.time.Duration;
import java.util.Map;
import picocli.CommandLine.Command;
import picocli.CommandLine.Parameters;

@Command(
        name = "deny",
        description = "Refuse a join waiting for approval: the new machine is told so and disconnected.")
final class DenyCommand extends AdminCommand {
    @Parameters(
            paramLabel = "NODEID",
            description = "The waiting machine's id, or a unique prefix of at least 8 characters.")
    String nodeId;

    @Override
    public Integer call() {
        JsonNode r = post("/deny", Map.of("node", nodeId), Duration.ofSeconds(15));
        if (!printedJson(r)) {
            out().println("refused the join of " + r.path("nodeId").asText());
        }
        return Main.OK;
    }
}

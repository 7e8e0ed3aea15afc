package io.swiftserve.cli;

import com.fasterxml.jackson.databind.JsonNode;
import java.time.Duration;
import java.util.Map;
import picocli.CommandLine.Command;
import picocli.CommandLine.Parameters;

@Command(
        name = "revoke",
        description = {
            "Revoke a member: it is disconnected and refused from then on.",
            "A member may revoke only members that joined after it; the founder cannot be revoked."
        })
final class RevokeCommand extends AdminCommand {
    @Parameters(paramLabel = "NODEID", description = "The member's id, or a unique prefix of at least 8 characters.")
    String nodeId;

    @Override
    public Integer call() {
        JsonNode r = post("/revoke", Map.of("node", nodeId), Duration.ofSeconds(15));
        if (!printedJson(r)) {
            out().println("revoked " + r.path("nodeId").asText() + " in block #"
                    + r.path("height").asLong());
        }
        return Main.OK;
    }
}

package io.swiftserve.cli;

import com.fasterxml.jackson.databind.JsonNode;
import java.time.Instant;
import java.util.Map;
import picocli.CommandLine.Command;

@Command(
        name = "pending",
        description = {
            "List the joins waiting for approval on this node (invites made with --approve).",
            "A waiting join lives only as long as the new machine stays connected: it asks again after a",
            "restart of either side. Admit one with 'swiftserve approve NODEID', refuse it with 'deny'."
        })
final class PendingCommand extends AdminCommand {
    @Override
    public Integer call() {
        JsonNode r = get("/pending", Map.of());
        if (printedJson(r)) {
            return Main.OK;
        }
        JsonNode list = r.path("pending");
        if (list.isEmpty()) {
            out().println("no join waits for approval");
            return Main.OK;
        }
        out().printf("%-16s  %-24s  %-20s  %s%n", "NODE", "FROM", "WAITING SINCE", "INVITER");
        for (JsonNode p : list) {
            out().printf(
                            "%-16s  %-24s  %-20s  %s%n",
                            p.path("nodeId").asText().substring(0, 16),
                            p.path("address").asText(),
                            Instant.ofEpochMilli(p.path("sinceMs").asLong())
                                            .toString()
                                            .substring(0, 19) + "Z",
                            p.path("inviter").asText().substring(0, 16));
        }
        return Main.OK;
    }
}

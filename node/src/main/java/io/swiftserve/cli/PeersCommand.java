package io.swiftserve.cli;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.Map;
import picocli.CommandLine.Command;

@Command(name = "peers", description = "List the network's members and which are connected.")
final class PeersCommand extends AdminCommand {
    @Override
    public Integer call() {
        JsonNode r = get("/peers", Map.of());
        if (printedJson(r)) {
            return Main.OK;
        }
        out().printf("%-14s %-10s %-22s %s%n", "NODE", "STATE", "ADDRESS", "INVITED BY");
        for (JsonNode p : r.path("peers")) {
            String state =
                    p.path("self").asBoolean() ? "self" : p.path("connected").asBoolean() ? "connected" : "offline";
            String addr = p.path("address").asText();
            if (addr.isEmpty() && p.path("advertised").size() > 0) {
                addr = p.path("advertised").get(0).asText();
            }
            out().printf(
                            "%-14s %-10s %-22s %s%n",
                            shortId(p.path("nodeId").asText()),
                            state,
                            addr,
                            shortId(p.path("invitedBy").asText()));
        }
        return Main.OK;
    }
}

package io.swiftserve.cli;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.Map;
import picocli.CommandLine.Command;

@Command(name = "status", description = "Show this node, its network, chain head, peers and files.")
final class StatusCommand extends AdminCommand {
    @Override
    public Integer call() {
        JsonNode s = get("/status", Map.of());
        if (printedJson(s)) {
            return Main.OK;
        }
        var out = out();
        boolean member = standing(s);
        out.printf("node       %s%n", s.path("nodeId").asText());
        out.printf(
                "network    %s (%s)%n",
                s.path("networkName").asText(), s.path("networkId").asText());
        out.printf(
                "chain      height %d, head %s%n",
                s.path("height").asLong(), shortId(s.path("headHash").asText()));
        out.printf(
                "members    %d, %d connected%n",
                s.path("members").asInt(), s.path("peersConnected").asInt());
        out.printf("listening  %s%n", s.path("listen").asText());
        out.printf("transport  %s%n", s.path("transport").asText());
        if (!s.path("statusUrl").asText().isEmpty()) {
            out.printf("status     %s%n", s.path("statusUrl").asText());
        }
        for (JsonNode f : s.path("files")) {
            out.printf(
                    "file       %-40s v%d %s%n",
                    f.path("path").asText(),
                    f.path("version").asLong(),
                    FileState.describe(f) + (member ? "" : " (not kept current)"));
        }
        FileState.printLocalFiles(out, s.path("localFiles"), "local      ");
        return Main.OK;
    }

    /** A node that was revoked or left says so before anything else; false then. */
    private boolean standing(JsonNode s) {
        JsonNode m = s.path("membership");
        String state = m.path("state").asText("member");
        String network = s.path("networkName").asText();
        String why = switch (state) {
            case "member" -> null;
            case "revoked" ->
                "REVOKED: this node was revoked from network " + network + " in block #"
                        + m.path("sinceHeight").asLong();
            default -> "LEFT: this node left network " + network;
        };
        if (why == null) {
            return true;
        }
        out().println(why + "; it sends and receives no files, and its copies under files/ are not kept current");
        return false;
    }
}

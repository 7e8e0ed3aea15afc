package io.swiftserve.cli;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.Map;
import picocli.CommandLine.Command;
import picocli.CommandLine.Parameters;

@Command(
        name = "where",
        description = {
            "Show which members must hold a file (its placement) and how far each is, as this node knows it.",
            "A node that does not hold the file itself hears little of the others: their state shows as unknown."
        })
final class WhereCommand extends AdminCommand {
    @Parameters(paramLabel = "NAME", description = "The file's path in the network.")
    String path;

    @Override
    public Integer call() {
        JsonNode r = get("/where", Map.of("path", path));
        if (printedJson(r)) {
            return Main.OK;
        }
        out().printf(
                        "%s v%d (%s, %d chunks): %s%n",
                        r.path("path").asText(),
                        r.path("version").asLong(),
                        Sizes.human(r.path("size").asLong()),
                        r.path("chunks").asInt(),
                        placement(r));
        for (JsonNode h : r.path("holders")) {
            out().printf(
                            "  %-14s %-9s %s%s%s%n",
                            shortId(h.path("nodeId").asText()),
                            h.path("why").asText(),
                            h.path("state").asText(),
                            record(h.path("record")),
                            h.path("self").asBoolean() ? "  (this node)" : "");
        }
        JsonNode self = r.path("self");
        if (!self.path("placedHere").asBoolean()) {
            out().println("this node: "
                    + (self.path("gotHere").asBoolean() ? "holds it after a get, " : "not a holder, ")
                    + self.path("state").asText());
        }
        return Main.OK;
    }

    /** The member's last signed delivery record, in a few words ({@code swiftserve audit} has the history). */
    private static String record(JsonNode record) {
        if (record.isMissingNode() || record.isNull()) {
            return "; no signed record yet";
        }
        JsonNode held = record.path("held");
        String when =
                java.time.Instant.ofEpochMilli(record.path("atMs").asLong()).toString();
        if (held.isNull() || held.isMissingNode()) {
            return "; signed record " + when + " of an earlier file set";
        }
        return "; signed record " + when + (held.asBoolean() ? ": held" : ": not held");
    }

    private static String placement(JsonNode r) {
        if (r.path("everyone").asBoolean()) {
            return "every member";
        }
        StringBuilder s = new StringBuilder();
        if (!r.path("toLabels").isEmpty()) {
            java.util.List<String> labels = new java.util.ArrayList<>();
            r.path("toLabels").forEach(l -> labels.add(l.asText()));
            s.append("members labelled any of ").append(String.join(",", labels));
        } else {
            s.append("any members");
        }
        if (r.path("replicas").asInt() > 0) {
            s.append(", ").append(r.path("replicas").asInt()).append(" of them");
        }
        return s.append(", plus the publisher").toString();
    }
}

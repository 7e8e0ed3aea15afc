package io.swiftserve.cli;

import com.fasterxml.jackson.databind.JsonNode;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import picocli.CommandLine.Command;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Unmatched;

@Command(
        name = "label",
        description = {
            "Add (+LABEL) or remove (-LABEL) labels of a member, or list every member's labels.",
            "'add --to LABEL' publishes to the members carrying a label. A member may label itself and the"
                    + " members that joined after it. Labels: 1 to 32 of a-z, 0-9, '-'; at most 32 a member.",
            "A label starting with 'd' to remove: write it after '--' (-dgx would read as -d gx)."
        })
final class LabelCommand extends AdminCommand {
    @Parameters(
            paramLabel = "NODEID [+LABEL|-LABEL...]",
            arity = "0..*",
            description = "The member's id (or a unique prefix of at least 8 characters), then the changes.")
    List<String> args = new ArrayList<>();

    /** picocli takes "-lab2" for an unknown option: it lands here, in order. */
    @Unmatched
    List<String> unmatched = new ArrayList<>();

    @Override
    public Integer call() {
        List<String> all = new ArrayList<>(args);
        all.addAll(unmatched);
        if (all.isEmpty()) {
            return list();
        }
        String node = all.get(0);
        if (node.startsWith("+") || node.startsWith("-")) {
            throw new CliException(Main.USAGE, "the member's id comes first: label NODEID +gpu -lab2");
        }
        List<String> add = new ArrayList<>();
        List<String> remove = new ArrayList<>();
        for (String a : all.subList(1, all.size())) {
            if (a.startsWith("+") && a.length() > 1) {
                add.add(a.substring(1));
            } else if (a.startsWith("-") && a.length() > 1) {
                remove.add(a.substring(1));
            } else {
                throw new CliException(Main.USAGE, "'" + a + "' is neither +LABEL nor -LABEL");
            }
        }
        if (add.isEmpty() && remove.isEmpty()) {
            throw new CliException(Main.USAGE, "no change given: +LABEL adds, -LABEL removes");
        }
        Map<String, String> query = new LinkedHashMap<>();
        query.put("node", node);
        query.put("add", String.join(",", add));
        query.put("remove", String.join(",", remove));
        JsonNode r = post("/label", query, Duration.ofSeconds(15));
        if (!printedJson(r)) {
            out().println("labels of " + r.path("nodeId").asText() + ": " + labels(r.path("labels")) + " (block #"
                    + r.path("height").asLong() + ")");
        }
        return Main.OK;
    }

    private Integer list() {
        JsonNode r = get("/labels", Map.of());
        if (printedJson(r)) {
            return Main.OK;
        }
        out().printf("%-14s %s%n", "NODE", "LABELS");
        for (JsonNode m : r.path("members")) {
            out().printf(
                            "%-14s %s%s%n",
                            shortId(m.path("nodeId").asText()),
                            labels(m.path("labels")),
                            m.path("self").asBoolean() ? "  (this node)" : "");
        }
        return Main.OK;
    }

    private static String labels(JsonNode list) {
        List<String> out = new ArrayList<>();
        list.forEach(l -> out.add(l.asText()));
        return out.isEmpty() ? "-" : String.join(",", out);
    }
}

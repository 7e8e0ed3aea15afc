package io.swiftserve.cli;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.Map;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

@Command(name = "status", description = "Show this node, its network, chain head, peers and files.")
final class StatusCommand extends AdminCommand {
    @Option(
            names = "--limit",
            paramLabel = "N",
            defaultValue = "100",
            description = "List at most N files, by path (default: ${DEFAULT-VALUE}); the counts cover all of them.")
    int limit;

    @Option(names = "--offset", paramLabel = "N", defaultValue = "0", description = "Skip the first N files.")
    int offset;

    @Option(names = "--all", description = "List every file (on a large network: long, and each lists every member).")
    boolean all;

    @Override
    public Integer call() {
        if (limit < 0 || offset < 0) {
            throw new CliException(Main.USAGE, "--limit and --offset must not be negative");
        }
        JsonNode s = get(
                "/status",
                Map.of("offset", Integer.toString(offset), "limit", Integer.toString(all ? Integer.MAX_VALUE : limit)));
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
        JsonNode page = s.path("filePage");
        int total = page.path("total").asInt();
        int shown = s.path("files").size();
        if (shown < total) {
            int next = offset + shown;
            out.printf(
                    "files      %d of %d listed, from #%d by path; %d complete here%s%n",
                    shown,
                    total,
                    offset + 1,
                    s.path("transfer").path("filesComplete").asInt(),
                    next < total ? " (status --offset " + next + " for the next, --all or ls for all)" : "");
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

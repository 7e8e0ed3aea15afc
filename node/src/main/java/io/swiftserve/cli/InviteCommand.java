package io.swiftserve.cli;

import com.fasterxml.jackson.databind.JsonNode;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

@Command(
        name = "invite",
        description = {
            "Print an invite token: 'swiftserve run --join TOKEN' on a new machine makes it a member.",
            "By default the token admits one machine. To enroll a lab from an image or a config-management",
            "run, give --uses (the network counts the joins) and --cidr (where they may connect from);",
            "with --approve each join waits until an operator runs 'swiftserve approve' on this node.",
            "Anyone holding the token can use its remaining uses until it expires: keep it like a password."
        })
final class InviteCommand extends AdminCommand {
    @Option(
            names = "--ttl",
            defaultValue = "24h",
            paramLabel = "DURATION",
            description = "How long the token stays valid: 90s, 15m, 24h, 7d (default ${DEFAULT-VALUE}).")
    String ttl;

    @Option(
            names = "--uses",
            defaultValue = "1",
            paramLabel = "N",
            description = "How many machines may join with it (default ${DEFAULT-VALUE}, at most 100000).")
    int uses;

    @Option(
            names = "--cidr",
            split = ",",
            paramLabel = "BLOCK",
            description = "Address blocks the joining machines must connect from, e.g. 10.1.0.0/16 (repeatable).")
    List<String> cidrs = List.of();

    @Option(
            names = "--approve",
            description = "Hold each join until an operator approves it here ('swiftserve pending', 'approve').")
    boolean approve;

    @Override
    public Integer call() {
        AddCommand.duration(ttl);
        if (uses < 1) {
            throw new CliException(Main.USAGE, "--uses must be at least 1");
        }
        Map<String, String> query = new LinkedHashMap<>();
        query.put("ttl", ttl);
        query.put("uses", Integer.toString(uses));
        query.put("cidr", String.join(",", cidrs));
        query.put("approve", Boolean.toString(approve));
        JsonNode r = post("/invite", query, Duration.ofSeconds(10));
        if (!printedJson(r)) {
            out().println(r.path("token").asText());
        }
        return Main.OK;
    }
}

package io.swiftserve.cli;

import com.fasterxml.jackson.databind.JsonNode;
import io.swiftserve.daemon.BandwidthControl;
import io.swiftserve.daemon.LimitSchedule;
import io.swiftserve.daemon.Rates;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

@Command(
        name = "limit",
        description = {
            "Show or change this node's bandwidth limits, live: connections stay up and a change applies within 1 s.",
            "The daemon keeps them in DIR/limits across restarts. Without options it shows them.",
            "",
            "RATE: off, or a number and a unit per second: 512KiB/s, 20MiB/s, 1GiB/s (binary), 20MB/s (decimal),"
                    + " 100Mbit/s (bits, as links are sold); at least 64KiB/s.",
            "",
            "SCHEDULE: rules separated by ';', each 'DAYS HH:MM-HH:MM' and up=RATE and/or down=RATE, e.g.",
            "  'mon-fri 08:00-18:00 up=20MiB/s down=off; * 18:00-08:00 up=off'",
            "DAYS is * or days and ranges of mon tue wed thu fri sat sun (mon-fri, sat,sun). A range ending at",
            "or before its start runs past midnight (belongs to the day it starts on); 24:00 ends a day. Local",
            "time; the first rule covering the moment wins; what no rule says keeps --up and --down."
        })
final class LimitCommand extends AdminCommand {
    @Option(names = "--up", paramLabel = "RATE", description = "The node's upload limit, over all peers (off: none).")
    String up;

    @Option(
            names = "--down",
            paramLabel = "RATE",
            description = "The node's download limit, over all peers (off: none).")
    String down;

    @Option(names = "--peer-up", paramLabel = "RATE", description = "Upload limit to each peer (off: none).")
    String peerUp;

    @Option(names = "--peer-down", paramLabel = "RATE", description = "Download limit from each peer (off: none).")
    String peerDown;

    @Option(
            names = "--schedule",
            paramLabel = "SCHEDULE",
            description = "Weekly rules that override --up/--down during their hours (off: none).")
    String schedule;

    @Override
    public Integer call() {
        Map<String, String> changes = changes(up, down, peerUp, peerDown, schedule, "--");
        JsonNode r = changes.isEmpty() ? get("/limits", Map.of()) : post("/limits", changes, Duration.ofSeconds(15));
        if (!printedJson(r)) {
            print(r);
        }
        return Main.OK;
    }

    /**
     * The settings given, by their admin API names, checked here so bad input is a usage error (exit 2)
     * whether or not a daemon runs; {@code prefix} names the flags in the message ("--" or "--limit-").
     */
    static Map<String, String> changes(
            String up, String down, String peerUp, String peerDown, String schedule, String prefix) {
        Map<String, String> changes = new LinkedHashMap<>();
        rate(changes, BandwidthControl.UP, up, prefix);
        rate(changes, BandwidthControl.DOWN, down, prefix);
        rate(changes, BandwidthControl.PEER_UP, peerUp, prefix);
        rate(changes, BandwidthControl.PEER_DOWN, peerDown, prefix);
        if (schedule != null) {
            try {
                changes.put(
                        BandwidthControl.SCHEDULE, LimitSchedule.parse(schedule).toString());
            } catch (IllegalArgumentException e) {
                throw new CliException(Main.USAGE, prefix + "schedule: " + e.getMessage());
            }
        }
        return changes;
    }

    private static void rate(Map<String, String> changes, String name, String value, String prefix) {
        if (value == null) {
            return;
        }
        try {
            Rates.parse(value);
        } catch (IllegalArgumentException e) {
            throw new CliException(Main.USAGE, prefix + name + ": " + e.getMessage());
        }
        changes.put(name, value);
    }

    private void print(JsonNode r) {
        var out = out();
        String rule = r.path("rule").asText();
        String why = rule.isEmpty() ? "" : "   (schedule: " + rule + ")";
        out.printf("upload     %s%s%n", Rates.human(r.path("up").asLong()), why);
        out.printf("download   %s%s%n", Rates.human(r.path("down").asLong()), why);
        out.printf(
                "per peer   up %s, down %s%n",
                Rates.human(r.path("peerUp").asLong()),
                Rates.human(r.path("peerDown").asLong()));
        String spec = r.path("schedule").asText();
        if (!spec.isEmpty()) {
            out.printf(
                    "outside    up %s, down %s%n",
                    Rates.human(r.path("nodeUp").asLong()),
                    Rates.human(r.path("nodeDown").asLong()));
            out.printf("schedule   %s%n", spec);
        }
        out.flush();
    }
}

package io.swiftserve.cli;

import com.fasterxml.jackson.databind.JsonNode;
import java.time.Duration;
import java.util.Map;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

@Command(name = "invite", description = "Print a single-use invite token for one new machine.")
final class InviteCommand extends AdminCommand {
    @Option(
            names = "--ttl",
            defaultValue = "24h",
            paramLabel = "DURATION",
            description = "How long the token stays valid: 90s, 15m, 24h, 7d (default ${DEFAULT-VALUE}).")
    String ttl;

    @Override
    public Integer call() {
        AddCommand.duration(ttl);
        JsonNode r = post("/invite", Map.of("ttl", ttl), Duration.ofSeconds(10));
        if (!printedJson(r)) {
            out().println(r.path("token").asText());
        }
        return Main.OK;
    }
}

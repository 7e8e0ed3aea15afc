package io.swiftserve.cli;

import com.fasterxml.jackson.databind.JsonNode;
import java.time.Instant;
import java.util.Map;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

@Command(name = "chain", description = "Show the most recent blocks of the chain, newest first.")
final class ChainCommand extends AdminCommand {
    @Option(
            names = {"-n", "--limit"},
            defaultValue = "20",
            description = "How many blocks (default ${DEFAULT-VALUE}).")
    int limit;

    @Override
    public Integer call() {
        JsonNode r = get("/chain", Map.of("limit", Integer.toString(limit)));
        if (printedJson(r)) {
            return Main.OK;
        }
        for (JsonNode b : r.path("blocks")) {
            out().printf(
                            "#%-6d %s  %s  sealed by %s%n",
                            b.path("height").asLong(),
                            shortId(b.path("hash").asText()),
                            Instant.ofEpochMilli(b.path("timestampMs").asLong()),
                            shortId(b.path("sealer").asText()));
            for (JsonNode tx : b.path("transactions")) {
                out().printf(
                                "         %-11s %s%n",
                                tx.path("kind").asText(), tx.path("summary").asText());
            }
        }
        return Main.OK;
    }
}

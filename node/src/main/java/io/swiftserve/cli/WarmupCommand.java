package io.swiftserve.cli;

import io.swiftserve.admin.Json;
import java.io.IOException;
import java.net.HttpURLConnection;
import java.net.Proxy;
import java.net.URL;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine;
import picocli.CommandLine.Command;

/**
 * Loads what the other commands load, without doing anything: the launcher runs it once in the
 * background to write the class-data archive that later commands start from.
 */
@Command(
        name = "warm-up",
        hidden = true,
        description = "Load the classes the commands use (for the launcher's class-data archive).")
final class WarmupCommand implements Callable<Integer> {
    @Override
    public Integer call() throws IOException {
        CommandLine cli = Main.withAll(new Main());
        for (CommandLine sub : cli.getSubcommands().values()) {
            sub.getUsageMessage();
        }
        // the admin client's path: JSON both ways and an HTTP connection object (never connected)
        Json.MAPPER.readTree(Json.write(Map.of("files", List.of(Map.of("path", "a", "size", 1L)), "ok", true)));
        HttpURLConnection http =
                (HttpURLConnection) new URL("http://127.0.0.1:9/v1/status?x=1").openConnection(Proxy.NO_PROXY);
        http.setRequestProperty("Authorization", "Bearer 0");
        http.setFixedLengthStreamingMode(1L);
        http.setRequestMethod("POST");
        return Main.OK;
    }
}

package io.swiftserve.cli;

import com.fasterxml.jackson.databind.JsonNode;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

@Command(
        name = "watch",
        description = {
            "Publish a directory as a tree now, and again each time it changes and then stays unchanged for"
                    + " the debounce; the daemon keeps watching across restarts until --stop.",
            "The daemon reads the directory itself, so the service user must be able to. A change is seen by"
                    + " walking names, sizes and mtimes (no byte is read) when the kernel reports one, and once a"
                    + " minute; publishing hashes only the files whose size or mtime changed. With no DIR: list"
                    + " the watched folders."
        })
final class WatchCommand extends AdminCommand {
    @Parameters(paramLabel = "DIR", arity = "0..1", description = "The directory to watch.")
    Path dir;

    @Option(names = "--as", paramLabel = "NAME", description = "Tree name in the network (default: DIR's name).")
    String as;

    @Option(
            names = "--debounce",
            defaultValue = "5s",
            paramLabel = "DURATION",
            description =
                    "Publish once the directory has not changed for this long: 2s, 1m (default ${DEFAULT-VALUE}).")
    String debounce;

    @Option(names = "--to", split = ",", paramLabel = "LABEL", description = "As 'add --to'.")
    java.util.List<String> toLabels = new java.util.ArrayList<>();

    @Option(names = "--replicas", paramLabel = "K", description = "As 'add --replicas'.")
    int replicas;

    @Option(names = "--stop", paramLabel = "NAME", description = "Stop watching the folder published as NAME.")
    String stop;

    @Override
    public Integer call() {
        if (stop != null) {
            JsonNode r = post("/unwatch", Map.of("path", stop), Duration.ofSeconds(30));
            if (!printedJson(r)) {
                out().println("stopped watching " + stop + " (its published versions stay)");
            }
            return Main.OK;
        }
        if (dir == null) {
            return list();
        }
        if (!Files.isDirectory(dir)) {
            throw new CliException(Main.USAGE, dir + " is not a directory");
        }
        Path abs = dir.toAbsolutePath().normalize();
        String name = as != null ? as : abs.getFileName().toString();
        Map<String, String> query = new LinkedHashMap<>();
        query.put("source", abs.toString());
        query.put("path", name);
        query.put("debounce", Long.toString(AddCommand.duration(debounce).toMillis()) + "ms");
        query.put("to", String.join(",", toLabels));
        query.put("replicas", Integer.toString(replicas));
        JsonNode r = post("/watch", query, Duration.ofHours(12));
        if (!printedJson(r)) {
            JsonNode add = r.path("add");
            if (r.path("published").asBoolean()) {
                out().printf(
                                "published %s v%d (%d files, %d bytes) in block #%d%n",
                                add.path("path").asText(),
                                add.path("version").asLong(),
                                add.path("files").asLong(),
                                add.path("size").asLong(),
                                add.path("height").asLong());
            } else {
                out().println(name + " is already published as it is");
            }
            out().printf("watching %s as %s (debounce %s)%n", abs, name, debounce);
        }
        return Main.OK;
    }

    private Integer list() {
        JsonNode r = get("/watches", Map.of());
        if (printedJson(r)) {
            return Main.OK;
        }
        if (r.path("watches").isEmpty()) {
            out().println("no watched folders");
            return Main.OK;
        }
        out().printf("%-24s %-10s %s%n", "NAME", "DEBOUNCE", "DIRECTORY / STATE");
        for (JsonNode w : r.path("watches")) {
            out().printf(
                            "%-24s %-10s %s  (%s)%n",
                            w.path("name").asText(),
                            w.path("debounceMs").asLong() / 1000.0 + "s",
                            w.path("source").asText(),
                            w.path("state").asText());
        }
        return Main.OK;
    }
}

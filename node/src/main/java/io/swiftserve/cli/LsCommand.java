package io.swiftserve.cli;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.Map;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

@Command(
        name = "ls",
        description = {
            "List the network's files and this node's copy of each; a tree shows as NAME/ with its file count.",
            "With a NAME, list that tree's entries (path, size, mode, modification time) from its manifest."
        })
final class LsCommand extends AdminCommand {
    @picocli.CommandLine.Parameters(
            arity = "0..1",
            paramLabel = "NAME",
            description = "A tree's path in the network: list its entries.")
    String name;

    @Option(names = "--bytes", description = "Sizes in exact bytes instead of KiB/MiB/GiB (--json always gives bytes).")
    boolean bytes;

    @Override
    public Integer call() {
        if (name != null) {
            return entries();
        }
        JsonNode r = get("/files", Map.of("trees", "true"));
        if (printedJson(r)) {
            return Main.OK;
        }
        JsonNode trees = r.path("trees");
        out().printf("%-40s %8s %14s %8s  %s%n", "PATH", "VERSION", "SIZE", "CHUNKS", "HERE");
        for (JsonNode f : r.path("files")) {
            long size = f.path("size").asLong();
            String path = f.path("path").asText();
            JsonNode count = trees.path(path);
            out().printf(
                            "%-40s %8d %14s %8d  %s%n",
                            count.isMissingNode() ? path : path + "/ (" + count.asInt() + " files)",
                            f.path("version").asLong(),
                            bytes ? Long.toString(size) : Sizes.human(size),
                            f.path("chunks").asInt(),
                            FileState.describe(f));
        }
        FileState.printLocalFiles(out(), r.path("localFiles"), "");
        return Main.OK;
    }

    private int entries() {
        JsonNode r = get("/tree", Map.of("path", name));
        if (printedJson(r)) {
            return Main.OK;
        }
        out().printf("%s/ v%d%n", r.path("path").asText(), r.path("version").asLong());
        out().printf("%-5s %14s  %-20s  %s%n", "MODE", "SIZE", "MODIFIED (UTC)", "PATH");
        for (JsonNode e : r.path("entries")) {
            boolean dir = e.path("directory").asBoolean();
            long size = e.path("size").asLong();
            out().printf(
                            "%-5s %14s  %-20s  %s%n",
                            dir ? "dir" : e.path("mode").asText(),
                            dir ? "-" : bytes ? Long.toString(size) : Sizes.human(size),
                            MODIFIED.format(java.time.Instant.ofEpochMilli(
                                    e.path("mtimeMs").asLong())),
                            e.path("path").asText() + (dir ? "/" : ""));
        }
        return Main.OK;
    }

    private static final java.time.format.DateTimeFormatter MODIFIED =
            java.time.format.DateTimeFormatter.ofPattern("yyyy-MM-dd HH:mm:ss").withZone(java.time.ZoneOffset.UTC);
}

package io.swiftserve.cli;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.Map;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

@Command(name = "ls", description = "List the network's files and this node's copy of each.")
final class LsCommand extends AdminCommand {
    @Option(names = "--bytes", description = "Sizes in exact bytes instead of KiB/MiB/GiB (--json always gives bytes).")
    boolean bytes;

    @Override
    public Integer call() {
        JsonNode r = get("/files", Map.of());
        if (printedJson(r)) {
            return Main.OK;
        }
        out().printf("%-40s %8s %14s %8s  %s%n", "PATH", "VERSION", "SIZE", "CHUNKS", "HERE");
        for (JsonNode f : r.path("files")) {
            long size = f.path("size").asLong();
            out().printf(
                            "%-40s %8d %14s %8d  %s%n",
                            f.path("path").asText(),
                            f.path("version").asLong(),
                            bytes ? Long.toString(size) : Sizes.human(size),
                            f.path("chunks").asInt(),
                            FileState.describe(f));
        }
        FileState.printLocalFiles(out(), r.path("localFiles"), "");
        return Main.OK;
    }
}

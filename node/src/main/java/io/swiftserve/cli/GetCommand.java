package io.swiftserve.cli;

import com.fasterxml.jackson.databind.JsonNode;
import io.swiftserve.admin.Json;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;
import me.tongfei.progressbar.ProgressBar;
import me.tongfei.progressbar.ProgressBarBuilder;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

@Command(
        name = "get",
        description = {
            "Copy a file of the network out to a local directory, downloading it first if this node does not"
                    + " hold it (a file placed on other members with 'add --to' or '--replicas').",
            "The download takes verified chunks from the holders; this node keeps the version afterwards"
                    + " (and serves it) until the path gets a new version or is deleted."
        })
final class GetCommand extends AdminCommand {
    @Parameters(paramLabel = "NAME", description = "The file's path in the network.")
    String path;

    @Option(
            names = "--to",
            paramLabel = "LOCALDIR",
            description = "Directory to write the file into (default: the current directory).")
    Path to = Path.of(".");

    @Option(names = "--force", description = "Overwrite a file of the same name in LOCALDIR.")
    boolean force;

    @Option(
            names = "--timeout",
            defaultValue = "30m",
            paramLabel = "DURATION",
            description = "Give up waiting for the download after this long (default ${DEFAULT-VALUE}).")
    String timeout;

    @Override
    public Integer call() {
        Duration limit = AddCommand.duration(timeout);
        if (!Files.isDirectory(to)) {
            throw new CliException(Main.USAGE, to + " is not a directory");
        }
        String name = path.substring(path.lastIndexOf('/') + 1);
        Path dest = to.resolve(name);
        if (Files.exists(dest) && !force) {
            throw CliException.failed(dest + " exists (--force overwrites it)");
        }
        JsonNode r = post("/get", Map.of("path", path), Duration.ofSeconds(15));
        long start = System.nanoTime();
        awaitComplete(r, start + limit.toNanos());
        Path source = Path.of(r.path("file").asText());
        try {
            Path tmp = Files.createTempFile(to, "." + name, ".part");
            try {
                Files.copy(source, tmp, StandardCopyOption.REPLACE_EXISTING);
                Files.move(tmp, dest, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
            } finally {
                Files.deleteIfExists(tmp);
            }
        } catch (IOException e) {
            throw CliException.failed("cannot write " + dest + ": " + e.getMessage());
        }
        if (json) {
            Map<String, Object> m = new LinkedHashMap<>();
            m.put("path", path);
            m.put("version", r.path("version").asLong());
            m.put("fileId", r.path("fileId").asText());
            m.put("size", r.path("size").asLong());
            m.put("file", dest.toAbsolutePath().toString());
            m.put("seconds", (System.nanoTime() - start) / 1e9);
            out().println(Json.write(m));
        } else {
            out().printf(
                            "got %s v%d (%s) -> %s%n",
                            path,
                            r.path("version").asLong(),
                            Sizes.human(r.path("size").asLong()),
                            dest);
        }
        out().flush();
        return Main.OK;
    }

    /** Follows this node's download of the version through {@code where} until it is complete here. */
    private void awaitComplete(JsonNode r, long deadline) {
        long size = r.path("size").asLong();
        int chunks = Math.max(1, r.path("chunks").asInt());
        ProgressBar bar = !json && Terminals.interactive()
                ? new ProgressBarBuilder()
                        .setTaskName("getting " + path)
                        .setInitialMax(size)
                        .setUnit(" MiB", 1 << 20)
                        .showSpeed()
                        .continuousUpdate()
                        .build()
                : null;
        try {
            while (true) {
                JsonNode w = get("/where", Map.of("path", path));
                if (!w.path("fileId").asText().equals(r.path("fileId").asText())) {
                    throw CliException.failed(path + " got a new version meanwhile; get it again");
                }
                JsonNode self = w.path("self");
                if (bar != null) {
                    bar.stepTo(Math.min(size, self.path("have").asLong() * size / chunks));
                }
                if (self.path("complete").asBoolean()) {
                    if (bar != null) {
                        bar.stepTo(size);
                    }
                    return;
                }
                if (System.nanoTime() > deadline) {
                    throw CliException.failed("timed out: " + self.path("have").asInt() + " of " + chunks
                            + " chunks of " + path + " here");
                }
                Thread.sleep(200);
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw CliException.failed("interrupted");
        } finally {
            if (bar != null) {
                bar.close();
            }
        }
    }
}

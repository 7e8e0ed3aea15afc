package io.swiftserve.cli;

import com.fasterxml.jackson.databind.JsonNode;
import io.swiftserve.admin.AdminClient;
import io.swiftserve.chain.FilePaths;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import me.tongfei.progressbar.ProgressBar;
import me.tongfei.progressbar.ProgressBarBuilder;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

@Command(
        name = "add",
        description = {
            "Publish a file to every member (a new version if the path exists), or only to some (--to,"
                    + " --replicas); a directory is published as one tree.",
            "The daemon reads the file itself and hashes it chunk by chunk as it copies it into the node;"
                    + " where it cannot (permissions, a private /tmp or home), or with --stream, the bytes go"
                    + " through the admin channel instead. A directory is one version: its files in name"
                    + " order, empty directories kept, symlinks and special files skipped (one note each on"
                    + " stderr). Nothing inside the node's data directory is published."
        })
final class AddCommand extends AdminCommand {
    @Parameters(paramLabel = "FILE", description = "The file or directory to publish.")
    Path file;

    @Option(
            names = "--as",
            paramLabel = "PATH",
            description = "Path in the network (default: the file's or directory's name).")
    String as;

    @Option(
            names = "--to",
            split = ",",
            paramLabel = "LABEL",
            description = "Only members carrying ANY of these labels hold the file (see 'swiftserve label');"
                    + " the publisher keeps its copy too.")
    java.util.List<String> toLabels = new java.util.ArrayList<>();

    @Option(
            names = "--replicas",
            paramLabel = "K",
            description = "Only K of the (labelled) members hold the file, chosen by hashing: another member"
                    + " takes over when one leaves. Fewer than K: all of them.")
    int replicas;

    @Option(
            names = "--stream",
            description = "Send the bytes over the admin channel instead of letting the daemon read the path.")
    boolean stream;

    @Option(names = "--wait", description = "Wait until every member that must hold it has a verified copy.")
    boolean await;

    @Option(
            names = "--timeout",
            defaultValue = "30m",
            paramLabel = "DURATION",
            description = "Give up waiting after this long: 90s, 15m, 2h (default ${DEFAULT-VALUE}).")
    String timeout;

    @Override
    public Integer call() {
        Duration limit = duration(timeout);
        if (replicas < 0) {
            throw new CliException(Main.USAGE, "--replicas must be at least 1");
        }
        if (Files.isDirectory(file)) {
            return new TreeAdd(this).run(file, as, limit);
        }
        if (!Files.isRegularFile(file)) {
            throw new CliException(Main.USAGE, file + " is not a regular file");
        }
        String path = as != null ? as : file.getFileName().toString();
        String problem = FilePaths.problem(path);
        if (problem != null) {
            // the daemon refuses it too; saying so here saves streaming the file first
            throw CliException.failed("refusing path '" + path + "': " + problem);
        }
        LocalSource local = new LocalSource(this);
        JsonNode r = local.add(file, path, placed(Map.of()));
        if (r == null) {
            if (!Files.isReadable(file)) {
                throw new CliException(Main.USAGE, file + " is not readable");
            }
            refuseOwnFiles(file, false);
            long size;
            try {
                size = Files.size(file);
            } catch (IOException e) {
                throw CliException.failed("cannot read " + file + ": " + e.getMessage());
            }
            r = local.streamed(upload(path, size));
        }
        long size = r.path("size").asLong();
        if (!json) {
            out().printf(
                            "added %s v%d (%d bytes, %d chunks of %d KiB) in block #%d%n",
                            r.path("path").asText(),
                            r.path("version").asLong(),
                            size,
                            r.path("chunks").asInt(),
                            r.path("chunkSize").asInt() / 1024,
                            r.path("height").asLong());
            if (r.has("holders") && (!toLabels.isEmpty() || replicas > 0)) {
                java.util.List<String> ids = new java.util.ArrayList<>();
                r.path("holders").forEach(h -> ids.add(shortId(h.asText())));
                out().printf(
                                "held by %d member%s: %s%n",
                                ids.size(), ids.size() == 1 ? "" : "s", String.join(" ", ids));
            }
            out().flush();
        }
        if (await) {
            new ReplicationWait(this, r.path("fileId").asText(), path, limit, json).run();
        } else {
            printedJson(r);
        }
        return Main.OK;
    }

    private JsonNode upload(String path, long size) {
        return upload("/add", Map.of("path", path, "size", Long.toString(size)), path, size, size, () -> {
            try {
                return Files.newInputStream(file);
            } catch (IOException e) {
                throw new UncheckedIOException("cannot read " + file + ": " + e.getMessage(), e);
            }
        });
    }

    /** Streams {@code length} bytes to {@code route}, with a progress bar over the {@code size} bytes of content. */
    JsonNode upload(
            String route,
            Map<String, String> query,
            String path,
            long size,
            long length,
            java.util.function.Supplier<InputStream> body) {
        ProgressBar bar = showProgress()
                ? new ProgressBarBuilder()
                        .setTaskName("adding " + path)
                        .setInitialMax(size)
                        .setUnit(" MiB", 1 << 20)
                        .showSpeed()
                        .continuousUpdate()
                        .build()
                : null;
        try {
            return client().upload(
                            route,
                            placed(query),
                            length,
                            () -> {
                                InputStream in = body.get();
                                return bar == null ? in : new CountingStream(in, bar::stepBy);
                            },
                            Duration.ofHours(12));
        } catch (AdminClient.NotRunningException e) {
            throw new CliException(Main.NOT_RUNNING, e.getMessage());
        } catch (AdminClient.RequestException e) {
            throw CliException.failed(e.getMessage());
        } catch (UncheckedIOException e) {
            throw CliException.failed(e.getMessage());
        } finally {
            if (bar != null) {
                bar.close();
            }
        }
    }

    /** The query with this add's placement, which a file and a tree both take. */
    Map<String, String> placed(Map<String, String> query) {
        Map<String, String> out = new java.util.LinkedHashMap<>(query);
        out.put("to", String.join(",", toLabels));
        out.put("replicas", Integer.toString(replicas));
        return out;
    }

    /** What the CLI streams is checked as the daemon checks what it reads: never the node's own files. */
    void refuseOwnFiles(Path source, boolean directory) {
        try {
            Path data = this.data.path();
            String own = io.swiftserve.daemon.OwnFiles.problem(
                    source.toString(), source.toRealPath(), directory, data, data.resolve("files"));
            if (own != null) {
                throw CliException.failed(own);
            }
        } catch (IOException e) {
            throw CliException.failed("cannot read " + source + ": " + e.getMessage());
        }
    }

    boolean showProgress() {
        return !json && Terminals.interactive();
    }

    static Duration duration(String text) {
        try {
            return io.swiftserve.util.Durations.parse(text);
        } catch (IllegalArgumentException e) {
            throw new CliException(Main.USAGE, e.getMessage());
        }
    }
}

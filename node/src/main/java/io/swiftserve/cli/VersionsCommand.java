package io.swiftserve.cli;

import io.swiftserve.admin.Json;
import io.swiftserve.chain.FilePaths;
import io.swiftserve.transfer.Versions;
import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/**
 * Lists and restores the copies this node kept of a file it replaced or deleted. Reads
 * {@code DIR/versions} directly, so it works with the daemon stopped too.
 */
@Command(
        name = "versions",
        description =
                "List the old copies this node kept of a file (replaced by a new version or deleted),"
                        + " or restore one (--restore ID) to a file outside the data directory. Works without a running daemon.")
final class VersionsCommand implements Callable<Integer> {
    private static final DateTimeFormatter WHEN =
            DateTimeFormatter.ofPattern("yyyy-MM-dd HH:mm:ss").withZone(ZoneOffset.UTC);

    @Mixin
    DataDirOption data;

    @Parameters(paramLabel = "PATH", description = "The file's path in the network.")
    String path;

    @Option(names = "--json", description = "Print machine-readable JSON instead of text.")
    boolean json;

    @Option(
            names = "--restore",
            paramLabel = "ID",
            description = "Copy kept version ID out (IDs: this command's list).")
    String restore;

    @Option(
            names = "--to",
            paramLabel = "FILE",
            description = "Where --restore writes (default: the file's name in the current directory); never"
                    + " overwritten, never inside the data directory (publish it again with 'swiftserve add').")
    Path to;

    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    @Override
    public Integer call() {
        String problem = FilePaths.problem(path);
        if (problem != null) {
            throw new CliException(Main.USAGE, "'" + path + "' is not a file path of the network: " + problem);
        }
        if (to != null && restore == null) {
            throw new CliException(Main.USAGE, "--to needs --restore ID");
        }
        Versions versions = new Versions(data.path().resolve("versions"));
        List<Versions.Entry> kept;
        try {
            kept = versions.list(path);
        } catch (IOException e) {
            throw CliException.failed("cannot read " + versions.dir() + ": " + e.getMessage());
        }
        return restore == null ? list(kept) : restore(kept);
    }

    private int list(List<Versions.Entry> kept) {
        PrintWriter out = spec.commandLine().getOut();
        if (json) {
            Map<String, Object> r = new LinkedHashMap<>();
            r.put("path", path);
            r.put("versions", kept.stream().map(VersionsCommand::view).toList());
            out.println(Json.write(r));
        } else if (kept.isEmpty()) {
            out.println("no kept copies of " + path + " in " + data.path().resolve("versions"));
        } else {
            out.printf("%-20s %-20s %10s  %s%n", "ID", "KEPT (UTC)", "SIZE", "FILE");
            for (Versions.Entry e : kept) {
                out.printf("%-20s %-20s %10s  %s%n", e.id(), WHEN.format(e.kept()), Sizes.human(e.size()), e.file());
            }
        }
        out.flush();
        return Main.OK;
    }

    private int restore(List<Versions.Entry> kept) {
        Versions.Entry e = kept.stream()
                .filter(k -> k.id().equals(restore))
                .findFirst()
                .orElseThrow(() -> CliException.failed("no kept copy " + restore + " of " + path
                        + (kept.isEmpty()
                                ? ""
                                : " (kept: "
                                        + String.join(
                                                ", ",
                                                kept.stream()
                                                        .map(Versions.Entry::id)
                                                        .toList()) + ")")));
        Path target = (to != null ? to : Path.of(Path.of(path).getFileName().toString()))
                .toAbsolutePath()
                .normalize();
        if (target.startsWith(data.path())) {
            // a file written into the share directory would be a local change the daemon has to judge
            throw new CliException(
                    Main.USAGE,
                    "--to: " + target + " is inside the data directory; restore elsewhere,"
                            + " then 'swiftserve add' it to publish it again");
        }
        try {
            Files.copy(e.file(), target);
        } catch (FileAlreadyExistsException x) {
            throw CliException.failed(target + " exists; choose another file with --to");
        } catch (IOException x) {
            throw CliException.failed("cannot restore to " + target + ": " + x.getMessage());
        }
        PrintWriter out = spec.commandLine().getOut();
        if (json) {
            Map<String, Object> r = new LinkedHashMap<>(view(e));
            r.put("restoredTo", target.toString());
            out.println(Json.write(r));
        } else {
            out.println("restored " + path + " as kept " + e.id() + " to " + target);
        }
        out.flush();
        return Main.OK;
    }

    private static Map<String, Object> view(Versions.Entry e) {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("id", e.id());
        m.put("kept", e.kept().toString());
        m.put("size", e.size());
        m.put("file", e.file().toString());
        return m;
    }
}

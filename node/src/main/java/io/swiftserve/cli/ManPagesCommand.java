package io.swiftserve.cli;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Parameters;

/** {@code swiftserve generate-man-pages DIR}: one troff page per command, for install.sh and packagers. */
@Command(
        name = "generate-man-pages",
        hidden = true,
        description = "Write a man page (section 1) for swiftserve and each of its commands into DIR.")
final class ManPagesCommand implements java.util.concurrent.Callable<Integer> {
    @Parameters(paramLabel = "DIR", description = "Where to write swiftserve.1, swiftserve-add.1, ...")
    Path dir;

    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    @Override
    public Integer call() {
        CommandLine.Model.CommandSpec root = spec.root();
        String version = root.version().length > 0 ? root.version()[0] : "";
        try {
            Files.createDirectories(dir);
            int pages = write(root, version);
            spec.commandLine().getOut().printf("wrote %d man pages to %s%n", pages, dir);
            spec.commandLine().getOut().flush();
        } catch (IOException e) {
            throw CliException.failed("cannot write man pages to " + dir + ": " + e.getMessage());
        }
        return Main.OK;
    }

    private int write(CommandLine.Model.CommandSpec command, String version) throws IOException {
        Files.writeString(
                dir.resolve(ManPage.fileName(command)), ManPage.render(command, version), StandardCharsets.UTF_8);
        int pages = 1;
        for (var e : command.subcommands().entrySet()) {
            CommandLine.Model.CommandSpec sub = e.getValue().getCommandSpec();
            if (ManPage.listed(e.getKey(), sub) && ManPage.hasPage(sub)) {
                pages += write(sub, version);
            }
        }
        return pages;
    }
}

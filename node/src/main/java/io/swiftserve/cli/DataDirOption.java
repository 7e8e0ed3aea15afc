package io.swiftserve.cli;

import java.nio.file.Path;
import picocli.CommandLine.Option;

/** {@code --data DIR}, shared by every command. */
final class DataDirOption {
    @Option(
            names = {"-d", "--data"},
            required = true,
            paramLabel = "DIR",
            description = "The node's data directory (key, chain store, files).")
    Path dataDir;

    Path path() {
        return dataDir.toAbsolutePath().normalize();
    }
}

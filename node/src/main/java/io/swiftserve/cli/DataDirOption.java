package io.swiftserve.cli;

import java.nio.file.Path;
import picocli.CommandLine.Option;

/**
 * {@code --data DIR}, shared by every command. Not required by picocli: it may come from SWIFTSERVE_DATA or
 * the config file ({@link Settings}), which picocli does not count for a required option.
 */
final class DataDirOption {
    @Option(
            names = {"-d", "--data"},
            paramLabel = "DIR",
            description = {
                "The node's data directory (key, chain store, files).",
                "Default: $SWIFTSERVE_DATA, else 'data' in the config file."
            })
    Path dataDir;

    Path path() {
        if (dataDir == null) {
            throw new CliException(
                    Main.USAGE,
                    "no data dir: give --data DIR, set SWIFTSERVE_DATA, or put 'data = DIR' in "
                            + ConfigFile.DEFAULT_PATH + " (or the file --config names)");
        }
        return dataDir.toAbsolutePath().normalize();
    }
}

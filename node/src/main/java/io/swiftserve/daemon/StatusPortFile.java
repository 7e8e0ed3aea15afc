package io.swiftserve.daemon;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * The status page's last port, in {@code DIR/status.port}: with {@code --status-port 0} (the
 * default) a restarted daemon takes the same port again when it is free, so a bookmark or a
 * scrape target survives a restart.
 */
final class StatusPortFile {
    static final String NAME = "status.port";

    private StatusPortFile() {}

    /** The port used last time, or 0 when none was recorded (or the record is unreadable). */
    static int last(Path dataDir) {
        try {
            int port = Integer.parseInt(Files.readString(dataDir.resolve(NAME), StandardCharsets.US_ASCII)
                    .trim());
            return port > 0 && port < 65536 ? port : 0;
        } catch (IOException | NumberFormatException e) {
            return 0;
        }
    }

    static void remember(Path dataDir, int port) throws IOException {
        Files.writeString(dataDir.resolve(NAME), port + "\n", StandardCharsets.US_ASCII);
    }
}

package io.swiftserve.daemon;

import io.swiftserve.admin.AdminApi;
import io.swiftserve.admin.StatusAccess;
import io.swiftserve.admin.StatusServer;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * The status page started on its port, and that port kept in {@code DIR/status.port}: with
 * {@code --status-port 0} (the default) a restarted daemon takes the same port again when it is
 * free, so a bookmark or a scrape target survives a restart.
 */
final class StatusPortFile {
    /** The line keeps the logger it had before the page's start moved here from Node. */
    private static final org.slf4j.Logger log = org.slf4j.LoggerFactory.getLogger(Node.class);

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

    /**
     * Starts the status page on the configured port, or, when that is 0 (any), on the one used last
     * time if it is free, and records the port it got.
     */
    static StatusServer start(AdminApi api, NodeConfig config) throws IOException {
        var access = StatusAccess.forBind(config.statusHost(), config.statusAccess(), config.dataDir());
        int last = config.statusPort() == 0 ? last(config.dataDir()) : 0;
        StatusServer status = null;
        if (last > 0) {
            try {
                status = new StatusServer(api, config.statusHost(), last, access);
                status.start();
            } catch (IOException e) {
                log.info("the status page's last port {} is taken ({}); using another", last, e.getMessage());
                status = null;
            }
        }
        if (status == null) {
            status = new StatusServer(api, config.statusHost(), config.statusPort(), access);
            status.start();
        }
        remember(config.dataDir(), status.address().getPort());
        return status;
    }

    static void remember(Path dataDir, int port) throws IOException {
        Files.writeString(dataDir.resolve(NAME), port + "\n", StandardCharsets.US_ASCII);
    }
}

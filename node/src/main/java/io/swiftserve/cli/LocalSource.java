package io.swiftserve.cli;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.swiftserve.admin.AdminClient;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.BasicFileAttributes;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * An add the daemon reads itself ({@code POST /add-local}): the CLI names the path and the daemon,
 * on the same machine, opens it, saving the copy through the admin socket. When the daemon cannot
 * read it as the CLI sees it, one line says why and the caller streams the bytes as before.
 */
final class LocalSource {
    private final AddCommand cmd;
    private String streamedBecause;

    LocalSource(AddCommand cmd) {
        this.cmd = cmd;
    }

    /** The daemon's answer, or null when the bytes must be streamed instead (said on stderr). */
    JsonNode add(Path source, String name, Map<String, String> placement) {
        if (cmd.stream) {
            return null;
        }
        Path abs = source.toAbsolutePath();
        Map<String, String> query = new LinkedHashMap<>(placement);
        query.put("source", abs.toString());
        query.put("path", name);
        try {
            Object key = Files.readAttributes(abs, BasicFileAttributes.class).fileKey();
            if (key != null) {
                // the same dev/inode tells the daemon it sees the very file the user named
                query.put("key", key.toString());
            }
        } catch (IOException e) {
            // the daemon says what it sees; a key is only a cross-check
        }
        JsonNode r;
        String progressId = cmd.showProgress() ? java.util.UUID.randomUUID().toString() : null;
        if (progressId != null) {
            query.put("progress", progressId);
        }
        try (LocalProgress bar = progressId == null ? null : LocalProgress.start(cmd, name, progressId)) {
            r = cmd.client().post("/add-local", query, Duration.ofHours(12));
        } catch (AdminClient.NotRunningException e) {
            throw new CliException(Main.NOT_RUNNING, e.getMessage());
        } catch (AdminClient.RequestException e) {
            if (e.getMessage().startsWith("no such admin request")) {
                return fallBack(abs, "the daemon predates local adds");
            }
            throw CliException.failed(e.getMessage());
        }
        if (r.has("unreadable")) {
            return fallBack(abs, r.path("unreadable").asText());
        }
        r.path("skipped").forEach(note -> cmd.spec.commandLine().getErr().println(note.asText()));
        cmd.spec.commandLine().getErr().flush();
        ((ObjectNode) r).remove("skipped");
        ((ObjectNode) r).put("readBy", "daemon");
        return r;
    }

    private JsonNode fallBack(Path source, String why) {
        streamedBecause = why;
        if (!cmd.json) {
            cmd.spec
                    .commandLine()
                    .getErr()
                    .println("the daemon cannot read " + source + " (" + why + "); sending its bytes instead");
            cmd.spec.commandLine().getErr().flush();
        }
        return null;
    }

    /** A streamed answer, marked with why it was streamed for --json. */
    JsonNode streamed(JsonNode r) {
        if (r instanceof ObjectNode o) {
            o.put("readBy", "stream");
            if (streamedBecause != null) {
                o.put("streamedBecause", streamedBecause);
            }
        }
        return r;
    }
}

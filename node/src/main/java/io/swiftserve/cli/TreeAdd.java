package io.swiftserve.cli;

import com.fasterxml.jackson.databind.JsonNode;
import io.swiftserve.chain.FilePaths;
import io.swiftserve.chain.TreeEntry;
import io.swiftserve.transfer.TreeWalk;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.SequenceInputStream;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;

/**
 * {@code add DIR}: the directory as one version. The daemon walks and reads it itself; where it cannot,
 * the admin stream carries the entry list (its length in the query) and then the files' bytes. The
 * daemon checks the list as every node will.
 */
final class TreeAdd {
    private final AddCommand cmd;

    TreeAdd(AddCommand cmd) {
        this.cmd = cmd;
    }

    int run(Path dir, String as, Duration limit) {
        Path abs = dir.toAbsolutePath().normalize();
        String name = as != null
                ? as
                : abs.getFileName() == null ? "" : abs.getFileName().toString();
        String problem = FilePaths.problem(name);
        if (problem != null) {
            throw CliException.failed(
                    "refusing path '" + name + "': " + problem + (as == null ? " (use --as NAME)" : ""));
        }
        LocalSource local = new LocalSource(cmd);
        JsonNode read = local.add(abs, name, cmd.placed(Map.of()));
        JsonNode r = read != null ? read : local.streamed(stream(dir, abs, name));
        if (!cmd.json) {
            cmd.out()
                    .printf(
                            "added %s/ v%d (%d files, %d entries, %d bytes, %d chunks of %d KiB) in block #%d%n",
                            r.path("path").asText(),
                            r.path("version").asLong(),
                            r.path("files").asLong(),
                            r.path("entries").asInt(),
                            r.path("size").asLong(),
                            r.path("chunks").asInt(),
                            r.path("chunkSize").asInt() / 1024,
                            r.path("height").asLong());
            cmd.out().flush();
        }
        if (cmd.await) {
            new ReplicationWait(cmd, r.path("fileId").asText(), name, limit, cmd.json).run();
        } else {
            cmd.printedJson(r);
        }
        return Main.OK;
    }

    /** The old way, for a directory the daemon cannot read: the CLI walks it and streams list and bytes. */
    private JsonNode stream(Path dir, Path abs, String name) {
        cmd.refuseOwnFiles(abs, true);
        TreeWalk walk;
        try {
            walk = TreeWalk.of(abs, cmd.spec.commandLine().getErr());
        } catch (IOException e) {
            throw CliException.failed("cannot read " + dir + ": " + e.getMessage());
        }
        if (walk.entries().isEmpty()) {
            throw CliException.failed(dir + " holds nothing to publish");
        }
        byte[] list = TreeEntry.encode(walk.entries());
        long size = walk.size();
        return cmd.upload(
                "/add-tree",
                Map.of("path", name, "size", Long.toString(size), "entries", Integer.toString(list.length)),
                name,
                size,
                list.length + size,
                () -> new SequenceInputStream(new ByteArrayInputStream(list), walk.content()));
    }
}

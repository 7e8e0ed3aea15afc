package io.swiftserve.daemon;

import java.io.IOException;
import java.nio.file.Path;

/**
 * The node's own files must never be published: its key, tokens and store live in the data
 * directory, so an add of anything in it (but the share directory's files, which are the network's
 * anyway), or of a directory that holds it, is refused. Checked by the daemon for what it reads and
 * by the CLI for what it streams, on real paths, so a symlink does not get round it.
 */
public final class OwnFiles {
    private OwnFiles() {}

    /** Why {@code source} (real path {@code real}) may not be added, or null. */
    public static String problem(String source, Path real, boolean directory, Path dataDir, Path shareDir) {
        Path data = realOrSelf(dataDir);
        Path share = realOrSelf(shareDir);
        boolean inside = real.startsWith(data) && !real.startsWith(share);
        if (inside || (directory && data.startsWith(real))) {
            return "refusing " + source + ": it " + (inside ? "is inside" : "holds") + " the node's data directory "
                    + data + " (its key, tokens and store are never published)";
        }
        return null;
    }

    private static Path realOrSelf(Path p) {
        try {
            return p.toRealPath();
        } catch (IOException e) {
            return p.toAbsolutePath().normalize();
        }
    }
}

package io.swiftserve.util;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileAttribute;
import java.nio.file.attribute.PosixFilePermission;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.Set;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Directories that hold the node's own data (the data dir, {@code db/}, {@code partial/}) are made
 * 0700 whatever the umask: they hold the key, the chain, admin secrets and downloads not yet
 * verified, which are no other local user's business. The share dir is not made here: it is the
 * users' copy of the network's files and keeps the umask (the unit sets 0027: the service group reads it).
 */
public final class PrivateDirs {
    private static final Logger log = LoggerFactory.getLogger(PrivateDirs.class);
    private static final Set<PosixFilePermission> OWNER_ONLY = PosixFilePermissions.fromString("rwx------");
    private static final FileAttribute<Set<PosixFilePermission>> OWNER_ONLY_ATTR =
            PosixFilePermissions.asFileAttribute(OWNER_ONLY);

    private PrivateDirs() {}

    /** {@link Files#createDirectories}, every directory it creates 0700; an existing one is left as it is. */
    public static Path create(Path dir) throws IOException {
        try {
            return Files.createDirectories(dir, OWNER_ONLY_ATTR);
        } catch (UnsupportedOperationException e) {
            return Files.createDirectories(dir); // not a POSIX file system: nothing to restrict
        }
    }

    /** One warning when an existing data dir (made by hand, or by an older version) is open to other users. */
    public static void warnIfOpen(Path dataDir) {
        try {
            Set<PosixFilePermission> perms = Files.getPosixFilePermissions(dataDir);
            if (!OWNER_ONLY.containsAll(perms)) {
                log.warn(
                        "data dir {} is open to other users (mode {}); it holds the node key and chain: chmod 700 it",
                        dataDir,
                        PosixFilePermissions.toString(perms));
            }
        } catch (IOException | UnsupportedOperationException e) {
            // missing (created later) or not POSIX: nothing to say
        }
    }
}

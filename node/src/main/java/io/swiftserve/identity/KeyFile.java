package io.swiftserve.identity;

import java.io.IOException;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.PosixFilePermission;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.HexFormat;
import java.util.Set;

/**
 * The node key on disk: the hex of the 32-byte Ed25519 seed in {@code node.key}, created with mode
 * 0600 from the first byte (never written world-readable and then narrowed).
 */
public final class KeyFile {
    public static final String NAME = "node.key";
    private static final Set<PosixFilePermission> OWNER_ONLY = PosixFilePermissions.fromString("rw-------");

    private KeyFile() {}

    public static boolean exists(Path dataDir) {
        return Files.exists(dataDir.resolve(NAME));
    }

    /** Loads the key of {@code dataDir}; fails if it is missing, malformed or readable by others. */
    public static NodeKey load(Path dataDir) throws IOException {
        Path file = dataDir.resolve(NAME);
        if (!Files.exists(file)) {
            throw new IOException("no node key at " + file + " (run 'swiftserve init' or join with --join)");
        }
        Set<PosixFilePermission> perms = Files.getPosixFilePermissions(file);
        if (!OWNER_ONLY.containsAll(perms)) {
            throw new IOException(
                    file + " is readable by others (mode " + PosixFilePermissions.toString(perms) + "); chmod 600 it");
        }
        String text = Files.readString(file).trim();
        try {
            return NodeKey.fromSeed(HexFormat.of().parseHex(text));
        } catch (IllegalArgumentException e) {
            throw new IOException(file + " does not hold a valid key: " + e.getMessage());
        }
    }

    /** Creates a fresh key in {@code dataDir}; refuses to overwrite an existing one. */
    public static NodeKey create(Path dataDir) throws IOException {
        io.swiftserve.util.PrivateDirs.create(dataDir);
        Path file = dataDir.resolve(NAME);
        NodeKey key = NodeKey.generate();
        try {
            Files.createFile(file, PosixFilePermissions.asFileAttribute(OWNER_ONLY));
        } catch (FileAlreadyExistsException e) {
            throw new IOException("a node key already exists at " + file);
        }
        Files.writeString(file, HexFormat.of().formatHex(key.seed()) + "\n", StandardOpenOption.TRUNCATE_EXISTING);
        return key;
    }

    public static NodeKey loadOrCreate(Path dataDir) throws IOException {
        return exists(dataDir) ? load(dataDir) : create(dataDir);
    }
}

package io.swiftserve.admin;

import java.io.IOException;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.SecureRandom;
import java.util.HexFormat;

/** The status page's read token: a file of one line, made 0600 by the node or given by the operator. */
final class StatusToken {
    static final String FILE = "status.token";

    private StatusToken() {}

    static String read(Path file) throws IOException {
        String token;
        try {
            token = Files.readString(file).trim();
        } catch (IOException e) {
            throw new IOException("cannot read the status token file " + file + ": " + e, e);
        }
        if (token.isEmpty() || token.chars().anyMatch(c -> c <= ' ' || c == ';' || c == ',' || c > '~')) {
            throw new IOException(
                    "status token file " + file + " must hold one token of printable ASCII, no spaces, ';' or ','");
        }
        return token;
    }

    /** The token in {@code file}, made (24 random bytes, hex, mode 0600) on first use and kept across restarts. */
    static String loadOrCreate(Path file) throws IOException {
        if (!Files.exists(file)) {
            byte[] secret = new byte[24];
            new SecureRandom().nextBytes(secret);
            try {
                Files.createFile(
                        file, PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rw-------")));
                Files.writeString(file, HexFormat.of().formatHex(secret) + "\n", StandardOpenOption.TRUNCATE_EXISTING);
            } catch (FileAlreadyExistsException e) {
                // made meanwhile by another start: use that one
            }
        }
        return read(file);
    }
}

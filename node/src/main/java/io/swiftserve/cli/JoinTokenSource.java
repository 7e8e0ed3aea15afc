package io.swiftserve.cli;

import io.swiftserve.daemon.NodeInit;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermission;
import java.util.Set;

/**
 * Where {@code run} takes its invite token from: the command line ({@code --join TOKEN}), standard
 * input ({@code --join -}) or a file ({@code --join-file FILE}). The token holds the private half of
 * the invite's one-time key until the join is sealed, so the last two keep it out of {@code ps} and
 * of world-readable settings files.
 */
final class JoinTokenSource {
    private static final int MAX_CHARS = 64 << 10;

    private JoinTokenSource() {}

    /**
     * The token, or null when none is needed. A missing {@code joinFile} is fine once the data dir
     * holds a store (the token was for the first start only), so the file may be deleted after the join.
     */
    static String read(String join, Path joinFile, Path dataDir, InputStream stdin, PrintStream err) {
        if (join != null && joinFile != null) {
            throw new CliException(Main.USAGE, "--join and --join-file exclude each other");
        }
        if ("-".equals(join)) {
            return firstLine(stdin, "--join -: standard input");
        }
        if (join != null || joinFile == null) {
            return join;
        }
        if (!Files.exists(joinFile)) {
            if (Files.isDirectory(dataDir.resolve(NodeInit.DB_DIR))) {
                return null;
            }
            throw CliException.failed("--join-file " + joinFile + ": no such file, and " + dataDir
                    + " holds no network yet (put an invite token there, or run 'swiftserve init')");
        }
        warnIfOthersCanRead(joinFile, err);
        try (InputStream in = Files.newInputStream(joinFile)) {
            return firstLine(in, "--join-file " + joinFile);
        } catch (IOException e) {
            throw CliException.failed("--join-file " + joinFile + ": cannot read it (" + e.getMessage() + ")");
        }
    }

    private static String firstLine(InputStream in, String what) {
        try {
            BufferedReader reader = new BufferedReader(new InputStreamReader(in, StandardCharsets.UTF_8));
            char[] buf = new char[MAX_CHARS];
            int n = reader.read(buf, 0, MAX_CHARS);
            String text = n <= 0 ? "" : new String(buf, 0, n);
            return text.lines()
                    .map(String::strip)
                    .filter(l -> !l.isEmpty())
                    .findFirst()
                    .orElseThrow(() -> CliException.failed(what + " holds no invite token"));
        } catch (IOException e) {
            throw CliException.failed(what + ": cannot read it (" + e.getMessage() + ")");
        }
    }

    private static void warnIfOthersCanRead(Path file, PrintStream err) {
        try {
            Set<PosixFilePermission> perms = Files.getPosixFilePermissions(file);
            if (perms.contains(PosixFilePermission.GROUP_READ) || perms.contains(PosixFilePermission.OTHERS_READ)) {
                err.println("warning: " + file + " is readable by other users; an invite token is secret until its"
                        + " join is sealed (chmod 600 it)");
            }
        } catch (IOException | UnsupportedOperationException e) {
            // no POSIX modes here: nothing to check
        }
    }
}

package io.swiftserve.chain;

/**
 * Ledger paths: relative, '/'-separated names that stay inside the share directory on every node.
 * The check runs at {@code add} and again when any transaction is applied, so a path crafted by a
 * hostile member never reaches the file system.
 */
public final class FilePaths {
    public static final int MAX_LENGTH = 1024;

    private FilePaths() {}

    /** Returns the reason {@code path} is refused, or null when it is acceptable. */
    public static String problem(String path) {
        if (path == null || path.isEmpty()) {
            return "path is empty";
        }
        if (path.length() > MAX_LENGTH) {
            return "path is longer than " + MAX_LENGTH + " characters";
        }
        if (path.startsWith("/") || path.startsWith("\\") || (path.length() > 1 && path.charAt(1) == ':')) {
            return "path must be relative";
        }
        for (int i = 0; i < path.length(); i++) {
            char c = path.charAt(i);
            if (c == 0 || c < 0x20 || c == 0x7f) {
                return "path contains a control character";
            }
            if (c == '\\') {
                return "path contains a backslash";
            }
        }
        for (String part : path.split("/", -1)) {
            if (part.isEmpty()) {
                return "path has an empty component";
            }
            if (part.equals(".") || part.equals("..")) {
                return "path contains '" + part + "'";
            }
            if (part.startsWith(".swiftserve")) {
                return "path uses a reserved name";
            }
        }
        return null;
    }

    public static void check(String path) throws InvalidException {
        String problem = problem(path);
        if (problem != null) {
            throw new InvalidException(problem + ": " + printable(path));
        }
    }

    private static String printable(String path) {
        return path == null ? "null" : path.replaceAll("\\p{Cntrl}", "?");
    }
}

package io.swiftserve.chain;

import java.util.HashSet;
import java.util.List;
import java.util.Set;

/**
 * The rules a directory tree's entry list must meet on every node before anything of it touches the
 * disk: each path a ledger path ({@link FilePaths}: relative, no "..", no empty segment, no control
 * character), no path twice, no file that is also the parent of another entry, sizes that add up to
 * the content, a bounded count. The manifest's hash only proves who published it, not that it is
 * harmless: a member could sign a tree whose entry reaches outside its directory.
 */
public final class TreeEntries {
    /** The most entries one tree may list (the manifest is held in memory while it is checked). */
    public static final int MAX_ENTRIES = 1_000_000;

    private TreeEntries() {}

    public static void check(List<TreeEntry> entries, long size) throws InvalidException {
        InvalidException.check(!entries.isEmpty(), "a tree lists no entries");
        InvalidException.check(
                entries.size() <= MAX_ENTRIES, "a tree lists " + entries.size() + " entries, more than " + MAX_ENTRIES);
        Set<String> paths = new HashSet<>(entries.size() * 2);
        Set<String> files = new HashSet<>();
        Set<String> parents = new HashSet<>();
        long total = 0;
        for (TreeEntry e : entries) {
            String path = e.path();
            FilePaths.check(path);
            InvalidException.check(paths.add(path), "a tree lists '" + printable(path) + "' twice");
            if (e.directory()) {
                InvalidException.check(e.size() == 0, "directory '" + printable(path) + "' has a size");
            } else {
                InvalidException.check(
                        e.size() >= 0 && total <= Long.MAX_VALUE - e.size(), "the tree's sizes overflow");
                files.add(path);
                total += e.size();
            }
            for (int i = path.indexOf('/'); i >= 0; i = path.indexOf('/', i + 1)) {
                parents.add(path.substring(0, i));
            }
        }
        for (String p : parents) {
            InvalidException.check(
                    !files.contains(p), "'" + printable(p) + "' is both a file and a directory of the tree");
        }
        InvalidException.check(total == size, "the tree's files add up to " + total + " bytes, its content is " + size);
    }

    private static String printable(String path) {
        return path.replaceAll("\\p{Cntrl}", "?");
    }
}

package io.swiftserve.transfer;

import io.swiftserve.chain.FilePaths;
import io.swiftserve.chain.TreeEntry;
import java.io.FilterInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.PrintWriter;
import java.io.SequenceInputStream;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFileAttributes;
import java.nio.file.attribute.PosixFilePermission;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.stream.Stream;

/**
 * A directory as a tree's entry list: walked in name order, depth first (the same directory gives
 * the same list, so the same manifest), symlinks and special files skipped with a note, empty
 * directories kept. Its content is the regular files' bytes in list order, read by {@link #content},
 * which fails if a file's size changed since the walk. The CLI walks a directory it streams; the
 * daemon walks one it reads itself ({@code add-local}), so both publish the same list.
 */
public final class TreeWalk {
    private final PrintWriter notes;
    private final List<TreeEntry> entries = new ArrayList<>();
    private final List<Path> files = new ArrayList<>();
    private long size;

    private TreeWalk(PrintWriter notes) {
        this.notes = notes;
    }

    public static TreeWalk of(Path root, PrintWriter notes) throws IOException {
        TreeWalk w = new TreeWalk(notes);
        w.walk(root, "");
        return w;
    }

    public List<TreeEntry> entries() {
        return entries;
    }

    public long size() {
        return size;
    }

    public int fileCount() {
        return files.size();
    }

    /** The regular files, in entry order (the entries that are not directories). */
    public List<Path> files() {
        return java.util.Collections.unmodifiableList(files);
    }

    /**
     * Returns whether {@code dir} gave at least one entry. One {@code lstat} per entry (POSIX
     * attributes carry type, size, mtime and mode together): a watched folder is walked every few
     * seconds, so the walk costs about what {@code find -printf} does.
     */
    private boolean walk(Path dir, String prefix) throws IOException {
        List<Path> children;
        try (Stream<Path> s = Files.list(dir)) {
            children = new ArrayList<>(s.toList());
        }
        children.sort(
                (a, b) -> a.getFileName().toString().compareTo(b.getFileName().toString()));
        boolean any = false;
        for (Path p : children) {
            String rel = prefix + p.getFileName().toString();
            PosixFileAttributes a = Files.readAttributes(p, PosixFileAttributes.class, LinkOption.NOFOLLOW_LINKS);
            String problem = FilePaths.problem(rel);
            if (a.isSymbolicLink()) {
                skip(rel, "symlink (not followed: " + Files.readSymbolicLink(p) + ")");
            } else if (problem != null) {
                skip(rel, "name refused (" + problem + ")");
            } else if (a.isDirectory()) {
                if (!walk(p, rel + "/")) {
                    entries.add(new TreeEntry(rel, 0, 0, a.lastModifiedTime().toMillis(), true));
                }
                any = true;
            } else if (a.isRegularFile()) {
                boolean exec = a.permissions().contains(PosixFilePermission.OWNER_EXECUTE);
                entries.add(new TreeEntry(
                        rel,
                        a.size(),
                        exec ? TreeEntry.EXECUTABLE : TreeEntry.REGULAR,
                        a.lastModifiedTime().toMillis(),
                        false));
                files.add(p);
                size += a.size();
                any = true;
            } else {
                skip(rel, "special file (not a regular file)");
            }
        }
        return any;
    }

    private void skip(String rel, String why) {
        notes.println("skipped: " + rel + " -> " + why);
        notes.flush();
    }

    /** The files' bytes, concatenated in entry order; each file must still have the size the walk saw. */
    public InputStream content() {
        Iterator<TreeEntry> sizes =
                entries.stream().filter(e -> !e.directory()).toList().iterator();
        Iterator<Path> paths = files.iterator();
        return new SequenceInputStream(new java.util.Enumeration<InputStream>() {
            @Override
            public boolean hasMoreElements() {
                return paths.hasNext();
            }

            @Override
            public InputStream nextElement() {
                Path p = paths.next();
                TreeEntry e = sizes.next();
                try {
                    return new Exact(Files.newInputStream(p), e.size(), e.path());
                } catch (IOException x) {
                    throw new UncheckedIOException("cannot read " + p + ": " + x.getMessage(), x);
                }
            }
        });
    }

    /** Exactly {@code size} bytes of one file, or an error naming it: a file changed mid-add must publish nothing. */
    private static final class Exact extends FilterInputStream {
        private final long size;
        private final String path;
        private long read;

        Exact(InputStream in, long size, String path) {
            super(in);
            this.size = size;
            this.path = path;
        }

        @Override
        public int read() throws IOException {
            byte[] one = new byte[1];
            return read(one, 0, 1) < 0 ? -1 : one[0] & 0xff;
        }

        @Override
        public int read(byte[] buf, int off, int len) throws IOException {
            if (read == size) {
                if (super.read() >= 0) {
                    throw changed("grew");
                }
                return -1;
            }
            int n = super.read(buf, off, (int) Math.min(len, size - read));
            if (n < 0) {
                throw changed("shrank");
            }
            read += n;
            return n;
        }

        private IOException changed(String how) {
            return new IOException(path + " changed while being added (it " + how + " from " + size
                    + " bytes); nothing was published");
        }
    }
}

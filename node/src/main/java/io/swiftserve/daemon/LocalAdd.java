package io.swiftserve.daemon;

import io.swiftserve.admin.AdminApi.AdminException;
import io.swiftserve.chain.Placement;
import io.swiftserve.chain.TreeEntry;
import io.swiftserve.transfer.TreeWalk;
import java.io.IOException;
import java.io.InputStream;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.io.UncheckedIOException;
import java.nio.file.AccessDeniedException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.attribute.BasicFileAttributes;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Consumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * {@code add-local}: the daemon reads a file or directory named by the admin caller itself instead of
 * taking its bytes over the admin stream, saving a copy through a socket. Its bytes go through the
 * same staging and publishing as a streamed add ({@link FileAdmin#add}, {@link TreeAdmin#publish}).
 *
 * <p>What the daemon cannot read as the CLI sees it (permission denied, a private /tmp or home, another
 * file at that path) is not an error: the answer says why ({@code unreadable}) and the CLI streams the
 * bytes instead. A file whose size or modification time changed while it was read publishes nothing.
 * Paths inside the data directory (its key, tokens, store) are refused, but for the share directory.
 */
final class LocalAdd {
    private static final Logger log = LoggerFactory.getLogger(LocalAdd.class);

    /** Opens what the daemon reads; tests replace it to stand for a path the daemon may not open. */
    interface Opener {
        InputStream open(Path file) throws IOException;
    }

    static volatile Opener opener = Files::newInputStream;

    /** Runs once a file's bytes are read, before the check that it did not change: a test changes it there. */
    static volatile Consumer<Path> afterRead = p -> {};

    private final Node node;
    private final FileAdmin files;
    private final TreeAdmin trees;

    LocalAdd(Node node, FileAdmin files, TreeAdmin trees) {
        this.node = node;
        this.files = files;
        this.trees = trees;
    }

    private AddProgress progress;
    private String progressId;

    /** Counts the bytes this add reads under {@code id}, for the CLI's progress bar. */
    LocalAdd following(AddProgress progress, String id) {
        this.progress = progress;
        this.progressId = id;
        return this;
    }

    private InputStream followed(long total, InputStream in) {
        return progress == null ? in : progress.follow(progressId, total, in);
    }

    /**
     * Publishes {@code source} (absolute) as ledger path {@code name}; {@code key} is the file key
     * ({@code dev}, {@code ino}) the caller saw there, or null.
     */
    Map<String, Object> add(String source, String name, String key, Placement.Target target) throws AdminException {
        Path path = Path.of(source);
        if (!path.isAbsolute()) {
            throw new AdminException("add-local takes an absolute path, not '" + source + "'");
        }
        FileAdmin.checkPath(name);
        BasicFileAttributes before;
        Path real;
        try {
            before = Files.readAttributes(path, BasicFileAttributes.class);
            real = path.toRealPath();
        } catch (AccessDeniedException e) {
            return unreadable(source, "permission denied");
        } catch (NoSuchFileException e) {
            return unreadable(source, "not found where the daemon runs (a private /tmp or home?)");
        } catch (IOException e) {
            return unreadable(source, e.getMessage());
        }
        if (key != null
                && before.fileKey() != null
                && !key.equals(before.fileKey().toString())) {
            return unreadable(source, "the daemon sees another file at this path (a private /tmp or home?)");
        }
        String own = OwnFiles.problem(
                source,
                real,
                before.isDirectory(),
                node.config().dataDir(),
                node.transfer().shareDir());
        if (own != null) {
            throw new AdminException(own);
        }
        if (before.isDirectory()) {
            return tree(path, name, target);
        }
        if (!before.isRegularFile()) {
            throw new AdminException(source + " is not a regular file");
        }
        InputStream in;
        try {
            in = opener.open(path);
        } catch (AccessDeniedException e) {
            return unreadable(source, "permission denied");
        } catch (IOException e) {
            return unreadable(source, e.getMessage());
        }
        try (InputStream counted = followed(before.size(), in)) {
            return files.add(name, before.size(), counted, target, () -> unchanged(path, before));
        } catch (IOException e) {
            throw new AdminException("cannot read " + source + ": " + e.getMessage());
        }
    }

    private Map<String, Object> tree(Path root, String name, Placement.Target target) throws AdminException {
        StringWriter notes = new StringWriter();
        TreeWalk walk;
        try {
            walk = TreeWalk.of(root, new PrintWriter(notes));
        } catch (AccessDeniedException e) {
            return unreadable(root.toString(), "permission denied on " + e.getFile());
        } catch (IOException e) {
            throw new AdminException("cannot read " + root + ": " + e.getMessage());
        }
        if (walk.entries().isEmpty()) {
            throw new AdminException(root + " holds nothing to publish");
        }
        for (Path f : walk.files()) {
            if (!Files.isReadable(f)) {
                return unreadable(root.toString(), "permission denied on " + f);
            }
        }
        Map<String, Object> out;
        try (InputStream content = followed(walk.size(), walk.content())) {
            out = trees.publish(name, walk.size(), walk.entries(), content, target, () -> unchanged(walk));
        } catch (IOException | UncheckedIOException e) {
            throw new AdminException("cannot read " + root + ": " + e.getMessage());
        }
        out.put("skipped", notes.toString().lines().toList());
        return out;
    }

    private static void unchanged(Path file, BasicFileAttributes before) throws AdminException {
        afterRead.accept(file);
        try {
            BasicFileAttributes now = Files.readAttributes(file, BasicFileAttributes.class);
            if (now.size() != before.size() || !now.lastModifiedTime().equals(before.lastModifiedTime())) {
                throw changed(file);
            }
        } catch (IOException e) {
            throw new AdminException("cannot read " + file + " again: " + e.getMessage() + "; nothing was published");
        }
    }

    private static void unchanged(TreeWalk walk) throws AdminException {
        Iterator<Path> paths = walk.files().iterator();
        List<TreeEntry> regular =
                walk.entries().stream().filter(e -> !e.directory()).toList();
        for (TreeEntry e : regular) {
            Path file = paths.next();
            afterRead.accept(file);
            try {
                BasicFileAttributes now = Files.readAttributes(file, BasicFileAttributes.class);
                if (now.size() != e.size() || now.lastModifiedTime().toMillis() != e.mtimeMs()) {
                    throw changed(file);
                }
            } catch (IOException x) {
                throw new AdminException(
                        "cannot read " + file + " again: " + x.getMessage() + "; nothing was published");
            }
        }
    }

    private static AdminException changed(Path file) {
        return new AdminException(file + " changed while being added; nothing was published");
    }

    private static Map<String, Object> unreadable(String source, String why) {
        // a file name may hold any byte but NUL and '/': one log line stays one line
        log.info(
                "add-local: cannot read {} ({}); the CLI streams it instead",
                io.swiftserve.util.LogText.escape(source),
                io.swiftserve.util.LogText.escape(why));
        Map<String, Object> out = new LinkedHashMap<>();
        out.put("unreadable", why);
        return out;
    }
}

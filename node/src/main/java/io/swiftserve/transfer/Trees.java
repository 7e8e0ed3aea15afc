package io.swiftserve.transfer;

import io.swiftserve.chain.Hash;
import io.swiftserve.chain.Manifest;
import io.swiftserve.chain.TreeEntry;
import io.swiftserve.util.LogText;
import java.io.IOException;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.FileTime;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import java.util.stream.Stream;

/**
 * Where directory trees live on disk and how a complete one is put into place. A tree version's
 * content (its files concatenated, as the swarm moves and serves it) is {@code
 * files/.swiftserve-trees/NAME/<id16>.data}; its files are written out into {@code
 * files/.swiftserve-trees/NAME/<id16>/}; {@code files/NAME} is a symlink to that directory, swapped to
 * the next version by renaming a new symlink over it, so a reader of {@code files/NAME/...} sees one
 * version or the other, never a mix.
 */
final class Trees {
    static final String DIR = ".swiftserve-trees";
    private static final String CONTENT = ".data";
    private static final String BUILDING = ".building";

    private final Path shareDir;
    private final Path root;

    Trees(Path shareDir) {
        this.shareDir = shareDir;
        this.root = shareDir.resolve(DIR);
    }

    /** Whether {@code p}, a path under the share directory, is inside the trees' own directory. */
    boolean isInternal(Path p) {
        return p.normalize().startsWith(root);
    }

    /** Where the versions of tree {@code target} (files/NAME, already checked) live. */
    private Path home(Path target) {
        return root.resolve(shareDir.relativize(target));
    }

    Path versionDir(Path target, Hash fileId) {
        return home(target).resolve(fileId.toString().substring(0, 16));
    }

    Path content(Path target, Hash fileId) {
        return home(target).resolve(fileId.toString().substring(0, 16) + CONTENT);
    }

    /** Whether {@code target} is a symlink this node made to one of its tree versions. */
    boolean isTreeLink(Path target) {
        return linked(target) != null;
    }

    /** The version directory {@code target} points to, or null if it is not a tree link. */
    private Path linked(Path target) {
        if (!Files.isSymbolicLink(target)) {
            return null;
        }
        try {
            Path to = target.getParent().resolve(Files.readSymbolicLink(target)).normalize();
            return to.startsWith(root) ? to : null;
        } catch (IOException e) {
            return null;
        }
    }

    /** Whether {@code target} points to version {@code fileId}, written out and present. */
    boolean inPlace(Path target, Hash fileId) {
        Path to = linked(target);
        return to != null && to.equals(versionDir(target, fileId)) && Files.isDirectory(to);
    }

    /** The content file behind tree link {@code target}, or null if it is not one. */
    Path contentBehind(Path target) {
        Path to = linked(target);
        return to == null ? null : to.resolveSibling(to.getFileName() + CONTENT);
    }

    /**
     * Writes the files of tree {@code manifest} out of {@code content} into version {@code fileId}'s
     * directory (modes, times, empty directories; all synced), then swaps {@code target} to it and
     * deletes every other version of the tree. Each entry is checked to stay inside the directory
     * again here, whatever was checked before.
     */
    void putInPlace(Path target, Hash fileId, Manifest manifest, Path content) throws IOException {
        Path dir = versionDir(target, fileId);
        Path building = dir.resolveSibling(dir.getFileName() + BUILDING);
        deleteTree(building);
        Files.createDirectories(building);
        Set<Path> dirs = new LinkedHashSet<>();
        dirs.add(building);
        List<TreeEntry> emptyDirs = new ArrayList<>();
        try (FileChannel in = FileChannel.open(content, StandardOpenOption.READ)) {
            long offset = 0;
            for (TreeEntry e : manifest.entries()) {
                Path p = building.resolve(e.path()).normalize();
                if (!p.startsWith(building) || p.equals(building)) {
                    throw new IOException("tree entry outside its directory: " + LogText.escape(e.path()));
                }
                if (e.directory()) {
                    Files.createDirectories(p);
                    dirs.add(p);
                    Files.setPosixFilePermissions(p, PosixFilePermissions.fromString("rwxr-xr-x"));
                    emptyDirs.add(e);
                    continue;
                }
                Files.createDirectories(p.getParent());
                dirs.add(p.getParent());
                try (FileChannel out = FileChannel.open(p, StandardOpenOption.CREATE_NEW, StandardOpenOption.WRITE)) {
                    long done = 0;
                    while (done < e.size()) {
                        long n = in.transferTo(offset + done, e.size() - done, out);
                        if (n <= 0) {
                            throw new IOException("the content of the tree ends inside " + LogText.escape(e.path()));
                        }
                        done += n;
                    }
                    out.force(true);
                }
                offset += e.size();
                Files.setPosixFilePermissions(
                        p, PosixFilePermissions.fromString((e.mode() & 0100) != 0 ? "rwxr-xr-x" : "rw-r--r--"));
                setTime(p, e.mtimeMs());
            }
        }
        for (TreeEntry e : emptyDirs) {
            setTime(building.resolve(e.path()), e.mtimeMs()); // last: writing files into them changed them
        }
        dirs.forEach(PartialFile::fsyncDirectory);
        deleteTree(dir);
        Files.move(building, dir, StandardCopyOption.ATOMIC_MOVE);
        PartialFile.fsyncDirectory(dir.getParent());
        Path previous = linked(target);
        swap(target, dir);
        removeOthers(target, fileId, previous);
    }

    /** Points {@code target} at {@code dir} in one rename: a new symlink, moved over the old one. */
    private static void swap(Path target, Path dir) throws IOException {
        Files.createDirectories(target.getParent());
        Path link = target.resolveSibling("." + target.getFileName() + ".swiftserve-tmp");
        Files.deleteIfExists(link);
        Files.createSymbolicLink(link, target.getParent().relativize(dir));
        Files.move(link, target, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
        PartialFile.fsyncDirectory(target.getParent());
    }

    /**
     * Deletes every version of tree {@code target} but {@code keep}'s and the directory of the one it
     * replaced ({@code previous}, null if none): a reader that resolved {@code files/NAME} just before
     * the swap reads on in that directory until the next swap.
     */
    private void removeOthers(Path target, Hash keep, Path previous) throws IOException {
        Path dir = versionDir(target, keep);
        Path data = content(target, keep);
        try (Stream<Path> s = Files.list(home(target))) {
            for (Path p : s.toList()) {
                if (!p.equals(dir) && !p.equals(data) && !p.equals(previous)) {
                    deleteTree(p);
                }
            }
        }
    }

    /** Deletes the symlink {@code target} and every version of its tree. */
    void removeAll(Path target) throws IOException {
        if (isTreeLink(target)) {
            Files.delete(target);
        }
        Path home = home(target);
        deleteTree(home);
        for (Path d = home.getParent(); d != null && d.startsWith(root); d = d.getParent()) {
            try (Stream<Path> entries = Files.list(d)) {
                if (entries.findAny().isPresent()) {
                    break;
                }
            }
            Files.deleteIfExists(d);
        }
    }

    /**
     * Whether a parent of {@code target} is a tree's symlink: a version written there would land inside
     * that tree's directory (and go with its next swap), so it is refused.
     */
    boolean insideTree(Path target) {
        for (Path d = target.getParent();
                d != null && d.startsWith(shareDir) && !d.equals(shareDir);
                d = d.getParent()) {
            if (isTreeLink(d)) {
                return true;
            }
        }
        return false;
    }

    /** The version directory {@code target} points to, if it is a tree link. */
    Path linkedDir(Path target) {
        return linked(target);
    }

    static void deleteTree(Path p) throws IOException {
        io.swiftserve.util.FileTrees.delete(p);
    }

    private static void setTime(Path p, long ms) throws IOException {
        Files.setLastModifiedTime(p, FileTime.fromMillis(ms));
    }
}

package io.swiftserve.transfer;

import io.swiftserve.chain.FilePaths;
import io.swiftserve.util.Ambient;
import java.io.IOException;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDateTime;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;

/**
 * The node's own trash of replaced and deleted files: {@code DIR/versions/<path>~<id>}, the id being
 * the UTC time it was kept ({@code yyyyMMdd-HHmmss}, {@code -2}.. on a clash). Plain files in a plain
 * directory, so the CLI lists and restores them without a daemon. Copies are hard links or renames on
 * the share directory's file system: keeping a version costs no copy of its bytes.
 */
public final class Versions {
    static final DateTimeFormatter ID = DateTimeFormatter.ofPattern("yyyyMMdd-HHmmss");
    private static final Pattern NAME = Pattern.compile("(.+)~(\\d{8}-\\d{6})(?:-(\\d+))?");

    private final Path dir;
    /** Where each path's copy last went since start, for the answer to {@code rm}. */
    private final java.util.Map<String, Path> lastKept = new java.util.concurrent.ConcurrentHashMap<>();

    public Versions(Path dir) {
        this.dir = dir.toAbsolutePath().normalize();
    }

    public Path dir() {
        return dir;
    }

    /** One kept copy: {@code id} names it for {@code versions --restore}. */
    public record Entry(String path, String id, Path file, long size, Instant kept) {}

    /**
     * Keeps {@code file}, this node's copy of ledger path {@code ledgerPath}: a hard link when the file
     * is about to be replaced by a rename ({@code link}), else moved. A file system without hard links,
     * or a versions directory on another one, gets a move (a copy, across file systems).
     */
    Path keep(Path file, String ledgerPath, boolean link) throws IOException {
        Path parent = where(ledgerPath).getParent();
        Files.createDirectories(parent);
        String stamp = LocalDateTime.ofInstant(Instant.ofEpochMilli(Ambient.currentTimeMillis()), ZoneOffset.UTC)
                .format(ID);
        String base = Path.of(ledgerPath).getFileName() + "~" + stamp;
        for (int n = 1; ; n++) {
            Path to = parent.resolve(n == 1 ? base : base + "-" + n);
            try {
                if (link) {
                    try {
                        Files.createLink(to, file);
                        lastKept.put(ledgerPath, to);
                        return to;
                    } catch (UnsupportedOperationException | IOException e) {
                        if (e instanceof FileAlreadyExistsException) {
                            throw e;
                        }
                    }
                }
                if (Files.exists(to)) {
                    continue;
                }
                Files.move(file, to, StandardCopyOption.ATOMIC_MOVE);
                lastKept.put(ledgerPath, to);
                return to;
            } catch (FileAlreadyExistsException e) {
                // a second copy of this path in the same second: next suffix
            } catch (java.nio.file.AtomicMoveNotSupportedException e) {
                Files.move(file, to);
                lastKept.put(ledgerPath, to);
                return to;
            }
        }
    }

    /** Where this node's copy of {@code ledgerPath} last went, if it was kept since start. */
    public java.util.Optional<Path> lastKept(String ledgerPath) {
        return java.util.Optional.ofNullable(lastKept.get(ledgerPath));
    }

    /** The kept copies of {@code ledgerPath}, oldest first. */
    public List<Entry> list(String ledgerPath) throws IOException {
        Path parent = where(ledgerPath).getParent();
        String name = Path.of(ledgerPath).getFileName().toString();
        if (!Files.isDirectory(parent)) {
            return List.of();
        }
        List<Entry> out = new ArrayList<>();
        try (Stream<Path> s = Files.list(parent)) {
            for (Path p : s.toList()) {
                Entry e = entry(p);
                if (e != null
                        && Files.isRegularFile(p)
                        && p.getFileName().toString().startsWith(name + "~")
                        && e.path().equals(ledgerPath)) {
                    out.add(e);
                }
            }
        }
        out.sort(Comparator.comparing(Entry::kept).thenComparing(Entry::id));
        return out;
    }

    /** Every kept copy, oldest first; a kept directory tree is one copy (not walked into). */
    public List<Entry> all() throws IOException {
        if (!Files.isDirectory(dir)) {
            return List.of();
        }
        List<Entry> out = new ArrayList<>();
        Files.walkFileTree(dir, new java.nio.file.SimpleFileVisitor<>() {
            @Override
            public java.nio.file.FileVisitResult preVisitDirectory(
                    Path d, java.nio.file.attribute.BasicFileAttributes attrs) throws IOException {
                Entry e = d.equals(dir) ? null : entry(d);
                if (e != null) {
                    out.add(e);
                    return java.nio.file.FileVisitResult.SKIP_SUBTREE;
                }
                return java.nio.file.FileVisitResult.CONTINUE;
            }

            @Override
            public java.nio.file.FileVisitResult visitFile(Path p, java.nio.file.attribute.BasicFileAttributes attrs)
                    throws IOException {
                Entry e = attrs.isRegularFile() ? entry(p) : null;
                if (e != null) {
                    out.add(e);
                }
                return java.nio.file.FileVisitResult.CONTINUE;
            }
        });
        out.sort(Comparator.comparing(Entry::kept).thenComparing(Entry::id));
        return out;
    }

    /**
     * Deletes copies kept longer than {@code keepFor} (null: no age limit), then the oldest while all
     * of them take more than {@code maxBytes} (0 or less: no size cap). Returns how many went.
     */
    public int prune(Duration keepFor, long maxBytes, Instant now) throws IOException {
        List<Entry> all = all();
        long total = all.stream().mapToLong(Entry::size).sum();
        int removed = 0;
        for (Entry e : all) {
            boolean old = keepFor != null && e.kept().plus(keepFor).isBefore(now);
            boolean over = maxBytes > 0 && total > maxBytes;
            if (!old && !over) {
                continue;
            }
            if (Files.isDirectory(e.file(), java.nio.file.LinkOption.NOFOLLOW_LINKS)) {
                Trees.deleteTree(e.file()); // a kept directory tree
                removed++;
                total -= e.size();
                removeEmptyParents(e.file().getParent());
            } else if (Files.deleteIfExists(e.file())) {
                removed++;
                total -= e.size();
                removeEmptyParents(e.file().getParent());
            }
        }
        return removed;
    }

    private void removeEmptyParents(Path from) throws IOException {
        for (Path d = from; d != null && !d.equals(dir) && d.startsWith(dir); d = d.getParent()) {
            try (Stream<Path> entries = Files.list(d)) {
                if (entries.findAny().isPresent()) {
                    return;
                }
            }
            Files.deleteIfExists(d);
        }
    }

    /** Where ledger path {@code ledgerPath}'s copies go; refuses a path that would leave the directory. */
    private Path where(String ledgerPath) throws IOException {
        String problem = FilePaths.problem(ledgerPath);
        if (problem != null) {
            throw new IOException("not a file path of the network: " + problem);
        }
        Path p = dir.resolve(ledgerPath).normalize();
        if (!p.startsWith(dir) || p.equals(dir)) {
            throw new IOException("not a file path of the network: " + ledgerPath);
        }
        return p;
    }

    /** The entry a file under the versions directory stands for, or null if its name is not one. */
    private Entry entry(Path p) throws IOException {
        Matcher m = NAME.matcher(p.getFileName().toString());
        if (!m.matches()) {
            return null;
        }
        Instant kept;
        try {
            kept = LocalDateTime.parse(m.group(2), ID).toInstant(ZoneOffset.UTC);
        } catch (java.time.format.DateTimeParseException e) {
            return null;
        }
        String id = m.group(3) == null ? m.group(2) : m.group(2) + "-" + m.group(3);
        Path rel = dir.relativize(p.getParent().resolve(m.group(1)));
        String ledgerPath = rel.toString().replace(java.io.File.separatorChar, '/');
        return new Entry(ledgerPath, id, p, Files.isDirectory(p) ? treeSize(p) : Files.size(p), kept);
    }

    private static long treeSize(Path d) throws IOException {
        try (Stream<Path> s = Files.walk(d)) {
            return s.filter(Files::isRegularFile)
                    .mapToLong(p -> p.toFile().length())
                    .sum();
        }
    }
}

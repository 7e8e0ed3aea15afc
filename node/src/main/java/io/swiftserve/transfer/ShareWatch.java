package io.swiftserve.transfer;

import java.io.IOException;
import java.nio.file.ClosedWatchServiceException;
import java.nio.file.FileSystems;
import java.nio.file.FileVisitResult;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.SimpleFileVisitor;
import java.nio.file.StandardWatchEventKinds;
import java.nio.file.WatchEvent;
import java.nio.file.WatchKey;
import java.nio.file.WatchService;
import java.nio.file.attribute.BasicFileAttributes;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Watches the share directory and every directory under it (inotify on Linux, through the JDK's
 * {@link WatchService}) and says when something changed, so a local edit is dealt with in moments
 * rather than at the next periodic scan. It only wakes the scan: events name no sizes, can overflow,
 * and include the node's own writes, so the scan's comparison stays the one judge. Best effort: if
 * the watch cannot be set up (inotify limits), the periodic scan alone finds changes.
 */
final class ShareWatch implements AutoCloseable {
    private static final Logger log = LoggerFactory.getLogger(ShareWatch.class);

    private final Path root;
    private final Runnable changed;
    private WatchService watcher;
    private Thread thread;

    ShareWatch(Path root, Runnable changed) {
        this.root = root;
        this.changed = changed;
    }

    void start() {
        try {
            watcher = FileSystems.getDefault().newWatchService();
            registerTree(root);
        } catch (IOException e) {
            log.warn("cannot watch {} ({}); local changes are found by the periodic scan only", root, e.getMessage());
            return;
        }
        thread = new Thread(this::run, "share-watch");
        thread.setDaemon(true);
        thread.start();
    }

    private void run() {
        try {
            while (true) {
                WatchKey key = watcher.take();
                Path dir = (Path) key.watchable();
                for (WatchEvent<?> e : key.pollEvents()) {
                    if (e.kind() == StandardWatchEventKinds.ENTRY_CREATE && e.context() instanceof Path name) {
                        created(dir, name);
                    }
                }
                key.reset();
                changed.run();
            }
        } catch (InterruptedException | ClosedWatchServiceException e) {
            // closed: the node stops
        }
    }

    /** Watches a directory made under {@code dir}: not a symlink (a tree's link), nothing if it went. */
    void created(Path dir, Path name) {
        Path p = dir.resolve(name);
        if (!Files.isDirectory(p, LinkOption.NOFOLLOW_LINKS)) {
            return;
        }
        try {
            registerTree(p);
        } catch (IOException e) {
            // gone again before it could be watched (a temporary directory): the scan judges anyway
            log.debug("not watching {}: {}", p, e.getMessage());
        }
    }

    /**
     * Watches {@code dir} and every directory under it but the trees' own directory, which changes
     * only by this node's hand (its writes need no scan, and a tree being built is renamed away under
     * a walk). A directory gone by the time the walk reaches it is skipped; {@code Files.walk} threw
     * an UncheckedIOException there, which ended the watch thread.
     */
    private void registerTree(Path dir) throws IOException {
        Path trees = root.resolve(Trees.DIR);
        Files.walkFileTree(dir, new SimpleFileVisitor<>() {
            @Override
            public FileVisitResult preVisitDirectory(Path d, BasicFileAttributes attrs) {
                if (d.normalize().startsWith(trees)) {
                    return FileVisitResult.SKIP_SUBTREE;
                }
                try {
                    d.register(
                            watcher,
                            StandardWatchEventKinds.ENTRY_CREATE,
                            StandardWatchEventKinds.ENTRY_DELETE,
                            StandardWatchEventKinds.ENTRY_MODIFY);
                } catch (IOException e) {
                    return FileVisitResult.SKIP_SUBTREE;
                }
                return FileVisitResult.CONTINUE;
            }

            @Override
            public FileVisitResult visitFileFailed(Path p, IOException e) {
                return FileVisitResult.CONTINUE;
            }
        });
    }

    @Override
    public void close() {
        try {
            if (watcher != null) {
                watcher.close();
            }
        } catch (IOException e) {
            log.debug("closing the share watch: {}", e.getMessage());
        }
    }
}

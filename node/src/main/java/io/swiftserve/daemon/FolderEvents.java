package io.swiftserve.daemon;

import java.io.IOException;
import java.nio.file.FileSystems;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.StandardWatchEventKinds;
import java.nio.file.WatchKey;
import java.nio.file.WatchService;
import java.util.HashSet;
import java.util.Set;
import java.util.stream.Stream;

/**
 * Whether anything moved in a watched folder since it was last asked: the kernel's notifications
 * (inotify on Linux, one watch per directory), so that a folder at rest is not walked every few
 * seconds. Notifications can be lost (a full queue, a network file system that sends none), so the
 * watcher still walks every folder once a minute whatever this says.
 */
final class FolderEvents implements AutoCloseable {
    private final Path root;
    private final WatchService service;
    private final Set<Path> registered = new HashSet<>();

    private FolderEvents(Path root, WatchService service) {
        this.root = root;
        this.service = service;
    }

    /** Notifications for {@code root} and every directory under it, or null if the system gives none. */
    static FolderEvents open(Path root) {
        try {
            FolderEvents e = new FolderEvents(root, FileSystems.getDefault().newWatchService());
            e.register();
            return e;
        } catch (IOException | UnsupportedOperationException e) {
            return null;
        }
    }

    /** Watches every directory now under the root (new ones appear after a walk); idempotent. */
    void register() throws IOException {
        try (Stream<Path> dirs = Files.walk(root)) {
            for (Path d : (Iterable<Path>) dirs::iterator) {
                if (Files.isDirectory(d, LinkOption.NOFOLLOW_LINKS) && !registered.contains(d)) {
                    d.register(
                            service,
                            StandardWatchEventKinds.ENTRY_CREATE,
                            StandardWatchEventKinds.ENTRY_DELETE,
                            StandardWatchEventKinds.ENTRY_MODIFY);
                    registered.add(d);
                }
            }
        }
    }

    /** Whether any notification (or a lost one) arrived since the last call; drains them. */
    boolean changed() {
        boolean any = false;
        for (WatchKey k = service.poll(); k != null; k = service.poll()) {
            any = true;
            k.pollEvents();
            if (!k.reset()) {
                registered.remove((Path) k.watchable()); // the directory went
            }
        }
        return any;
    }

    @Override
    public void close() {
        try {
            service.close();
        } catch (IOException ignored) {
            // nothing to release beyond the descriptor the close gives back
        }
    }
}

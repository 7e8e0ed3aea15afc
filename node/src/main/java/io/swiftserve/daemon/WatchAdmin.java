package io.swiftserve.daemon;

import io.swiftserve.admin.AdminApi.AdminException;
import io.swiftserve.chain.Manifest;
import io.swiftserve.chain.TreeEntry;
import io.swiftserve.daemon.FolderWatches.Watch;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/** The watched-folder half of the admin channel: start, stop and list watches, and publish one. */
final class WatchAdmin implements AutoCloseable {
    static final Duration MAX_DEBOUNCE = Duration.ofDays(1);

    private final Node node;
    private final FileAdmin files;
    private final FolderWatcher watcher;

    WatchAdmin(Node node, FileAdmin files) throws IOException {
        this.node = node;
        this.files = files;
        this.watcher = new FolderWatcher(
                FolderWatches.load(node.config().dataDir()), this::publish, this::ledger, System::currentTimeMillis);
    }

    void start() {
        watcher.start();
    }

    FolderWatcher watcher() {
        return watcher;
    }

    Map<String, Object> watch(String source, String name, Duration debounce, List<String> to, int replicas)
            throws AdminException {
        Path dir = Path.of(source);
        if (!dir.isAbsolute()) {
            throw new AdminException("watch takes an absolute path, not '" + source + "'");
        }
        if (!Files.isDirectory(dir)) {
            throw new AdminException("the daemon sees no directory at " + source + " (a private /tmp or home?)");
        }
        FileAdmin.checkPath(name);
        if (debounce.isNegative() || debounce.compareTo(MAX_DEBOUNCE) > 0) {
            throw new AdminException("the debounce must be at most 1d");
        }
        PlacementAdmin.target(to, replicas); // refused here rather than at the first publish
        return watcher.watch(new Watch(name, dir.normalize().toString(), debounce.toMillis(), to, replicas, null));
    }

    Map<String, Object> unwatch(String name) throws AdminException {
        if (!watcher.unwatch(name)) {
            throw new AdminException("no watched folder is published as '" + name + "'");
        }
        return Map.of("name", name, "watching", false);
    }

    List<Map<String, Object>> list() {
        return watcher.list();
    }

    private Map<String, Object> publish(Watch w) throws AdminException {
        if (!node.chain().state().isMember(node.key().id())) {
            throw new AdminException("this node is not a member of the network: nothing is published");
        }
        return new LocalAdd(node, files, new TreeAdmin(node, files))
                .add(w.source(), w.name(), null, PlacementAdmin.target(w.to(), w.replicas()));
    }

    private Optional<List<TreeEntry>> ledger(String name) {
        return node.chain()
                .state()
                .file(name)
                .flatMap(f -> node.transfer().manifests().get(f.manifest()))
                .filter(Manifest::isTree)
                .map(Manifest::entries);
    }

    @Override
    public void close() {
        watcher.close();
    }
}

package io.swiftserve.daemon;

import io.swiftserve.admin.AdminApi.AdminException;
import io.swiftserve.chain.Hash;
import io.swiftserve.chain.TreeEntry;
import io.swiftserve.daemon.FolderWatches.Watch;
import io.swiftserve.transfer.TreeWalk;
import io.swiftserve.util.LogText;
import java.io.IOException;
import java.io.PrintWriter;
import java.io.Writer;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.function.Function;
import java.util.function.LongSupplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Publishes watched folders as new tree versions. A folder is walked (names, sizes, mtimes: no byte
 * is read) when the kernel reports a change in it ({@link FolderEvents}), every half debounce (0.5
 * to 10 s) while a change waits out its debounce, and once a minute regardless; a walk that differs
 * from what was last published, and stays the same for the debounce, is published as a tree by
 * the daemon reading the folder itself. Publishing hashes only the chunks whose files changed size
 * or mtime (see {@code KnownChunks}). One thread, so a folder is never published twice at once.
 */
public final class FolderWatcher implements AutoCloseable {
    private static final Logger log = LoggerFactory.getLogger(FolderWatcher.class);
    static final long MIN_SCAN_MS = 500;
    static final long MAX_SCAN_MS = 10_000;
    /** A folder is walked this often even when the kernel reported nothing (notifications can be lost). */
    static final long FULL_WALK_MS = 60_000;

    /** Publishes a watch's folder as its tree; the answer is what {@code add --json} prints. */
    interface Publisher {
        Map<String, Object> publish(Watch watch) throws AdminException;
    }

    /** What this run knows of a watch beyond the file: a change seen and waiting out the debounce. */
    private static final class Seen {
        String pending;
        long pendingSinceMs;
        long nextScanMs;
        long lastWalkMs;
        boolean mustWalk = true;
        String error;
        FolderEvents events;
        boolean eventsTried;

        void close() {
            if (events != null) {
                events.close();
            }
        }
    }

    private final FolderWatches watches;
    private final Publisher publisher;
    /** The entries of the ledger's version of a path, if it is a tree whose manifest is here. */
    private final Function<String, Optional<List<TreeEntry>>> ledger;

    private final LongSupplier clockMs;
    private final Map<String, Seen> seen = new ConcurrentHashMap<>();
    private final java.util.concurrent.atomic.AtomicLong walks = new java.util.concurrent.atomic.AtomicLong();
    private final ScheduledExecutorService thread = Executors.newSingleThreadScheduledExecutor(r -> {
        Thread t = new Thread(r, "folder-watch");
        t.setDaemon(true);
        return t;
    });

    FolderWatcher(
            FolderWatches watches,
            Publisher publisher,
            Function<String, Optional<List<TreeEntry>>> ledger,
            LongSupplier clockMs) {
        this.watches = watches;
        this.publisher = publisher;
        this.ledger = ledger;
        this.clockMs = clockMs;
    }

    void start() {
        if (!watches.all().isEmpty()) {
            log.info("watching {} folder(s): {}", watches.all().size(), names());
        }
        thread.scheduleWithFixedDelay(this::tick, MIN_SCAN_MS, MIN_SCAN_MS, TimeUnit.MILLISECONDS);
    }

    /** Starts watching (or changes a watch of the same name) and publishes the folder now if it differs. */
    Map<String, Object> watch(Watch watch) throws AdminException {
        return onThread(() -> {
            Watch kept = watches.get(watch.name())
                    .filter(w -> w.source().equals(watch.source()))
                    .map(w -> watch.withPublished(w.published()))
                    .orElse(watch);
            Optional<Watch> before = watches.get(watch.name());
            save(kept);
            forget(watch.name());
            Map<String, Object> out = new LinkedHashMap<>();
            out.put("name", watch.name());
            out.put("source", watch.source());
            out.put("debounceMs", watch.debounceMs());
            Map<String, Object> published;
            try {
                published = check(kept, true);
            } catch (AdminException | RuntimeException e) {
                restore(watch.name(), before); // a folder that cannot be published now is not watched
                throw e;
            }
            out.put("published", published != null);
            if (published != null) {
                out.put("add", published);
            }
            log.info("watching {} as {}", LogText.escape(watch.source()), LogText.escape(watch.name()));
            return out;
        });
    }

    private void restore(String name, Optional<Watch> before) throws AdminException {
        try {
            if (before.isPresent()) {
                watches.put(before.get());
            } else {
                watches.remove(name);
            }
        } catch (IOException e) {
            throw new AdminException("cannot write the list of watched folders: " + e.getMessage());
        }
    }

    boolean unwatch(String name) throws AdminException {
        return onThread(() -> {
            forget(name);
            try {
                return watches.remove(name);
            } catch (IOException e) {
                throw new AdminException("cannot write the list of watched folders: " + e.getMessage());
            }
        });
    }

    List<Map<String, Object>> list() {
        List<Map<String, Object>> out = new ArrayList<>();
        for (Watch w : watches.all()) {
            Seen s = seen.getOrDefault(w.name(), new Seen());
            Map<String, Object> row = new LinkedHashMap<>();
            row.put("name", w.name());
            row.put("source", w.source());
            row.put("debounceMs", w.debounceMs());
            row.put("state", s.error != null ? "error: " + s.error : s.pending != null ? "changed" : "unchanged");
            out.add(row);
        }
        return out;
    }

    /** How many scheduled walks of watched folders this run made (not counting {@link #checkNow}). */
    public long walks() {
        return walks.get();
    }

    /** Scans every folder now, on the watcher's thread; for tests, which step the watcher. */
    public void checkNow() throws AdminException {
        onThread(() -> {
            seen.values().forEach(s -> {
                s.nextScanMs = 0;
                s.mustWalk = true;
            });
            tick();
            return null;
        });
    }

    /** Scans every folder due now. */
    private void tick() {
        long now = clockMs.getAsLong();
        for (Watch w : watches.all()) {
            Seen s = seen.computeIfAbsent(w.name(), n -> new Seen());
            if (now < s.nextScanMs) {
                continue;
            }
            s.nextScanMs = now + Math.max(MIN_SCAN_MS, Math.min(MAX_SCAN_MS, w.debounceMs() / 2));
            if (!s.eventsTried) {
                s.eventsTried = true;
                s.events = FolderEvents.open(Path.of(w.source())); // before the first walk: nothing falls between
            }
            boolean moved = s.events == null || s.events.changed();
            if (!moved && !s.mustWalk && s.pending == null && s.error == null && now - s.lastWalkMs < FULL_WALK_MS) {
                continue; // at rest: no walk
            }
            s.lastWalkMs = now;
            s.mustWalk = false;
            walks.incrementAndGet();
            try {
                check(w, false);
                if (s.events != null) {
                    s.events.register(); // directories made since
                }
            } catch (AdminException | RuntimeException | IOException e) {
                failed(w, s, e.getMessage());
            }
        }
    }

    /** Walks {@code w}'s folder; publishes it if it changed and settled (at once if {@code now}); the add's answer or null. */
    private Map<String, Object> check(Watch w, boolean now) throws AdminException {
        Seen s = seen.computeIfAbsent(w.name(), n -> new Seen());
        List<TreeEntry> entries;
        Path root = Path.of(w.source());
        try {
            entries = TreeWalk.of(root, new PrintWriter(Writer.nullWriter())).entries();
        } catch (NoSuchFileException e) {
            if (!Files.isDirectory(root)) {
                throw new AdminException("cannot read " + w.source() + ": the directory is gone");
            }
            s.pending = "a file went while the folder was walked"; // being written: wait it out
            s.pendingSinceMs = clockMs.getAsLong();
            return null;
        } catch (IOException e) {
            throw new AdminException("cannot read " + w.source() + ": " + e.getMessage());
        }
        String signature = signature(entries);
        if (signature.equals(w.published())
                || ledger.apply(w.name()).filter(entries::equals).isPresent()) {
            s.pending = null;
            s.error = null;
            if (!signature.equals(w.published())) {
                save(w.withPublished(signature)); // the ledger holds this folder as it is: nothing to publish
            }
            return null;
        }
        long t = clockMs.getAsLong();
        if (!now && !signature.equals(s.pending)) {
            s.pending = signature;
            s.pendingSinceMs = t;
            return null;
        }
        if (!now && t - s.pendingSinceMs < w.debounceMs()) {
            return null;
        }
        Map<String, Object> answer = publisher.publish(w);
        if (answer.containsKey("unreadable")) {
            throw new AdminException("the daemon cannot read " + w.source() + ": " + answer.get("unreadable"));
        }
        String published = ledger.apply(w.name()).map(FolderWatcher::signature).orElse(signature);
        save(w.withPublished(published));
        s.pending = null;
        s.error = null;
        log.info(
                "watched folder {} published as {} v{} ({} of {} bytes hashed)",
                LogText.escape(w.source()),
                LogText.escape(w.name()),
                answer.get("version"),
                answer.get("bytesHashed"),
                answer.get("size"));
        return answer;
    }

    private void failed(Watch w, Seen s, String why) {
        if (!why.equals(s.error)) {
            log.warn("watched folder {}: {}", LogText.escape(w.source()), LogText.escape(why));
        }
        s.error = why;
    }

    private void save(Watch w) throws AdminException {
        try {
            watches.put(w);
        } catch (IOException e) {
            throw new AdminException("cannot write the list of watched folders: " + e.getMessage());
        }
    }

    static String signature(List<TreeEntry> entries) {
        return Hash.sha256(TreeEntry.encode(entries)).toString();
    }

    private String names() {
        return String.join(
                ", ", watches.all().stream().map(w -> LogText.escape(w.name())).toList());
    }

    private interface Call<T> {
        T run() throws AdminException;
    }

    /** Runs {@code call} on the watcher's thread, so a command never races a scan of the same folder. */
    private <T> T onThread(Call<T> call) throws AdminException {
        try {
            return thread.submit(() -> {
                        try {
                            return call.run();
                        } catch (AdminException e) {
                            throw new IllegalStateException(e);
                        }
                    })
                    .get();
        } catch (ExecutionException e) {
            if (e.getCause() instanceof IllegalStateException ise && ise.getCause() instanceof AdminException ae) {
                throw ae;
            }
            throw new AdminException("watching failed: " + e.getCause());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new AdminException("interrupted");
        }
    }

    private void forget(String name) {
        Seen s = seen.remove(name);
        if (s != null) {
            s.close();
        }
    }

    @Override
    public void close() {
        thread.shutdownNow();
        seen.values().forEach(Seen::close);
    }
}

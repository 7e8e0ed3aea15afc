package io.swiftserve.daemon;

import com.fasterxml.jackson.core.type.TypeReference;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * The folders this node publishes as trees, kept in {@code DIR/watches.json} so that they outlive
 * a restart, each with the signature of the entry list it last published: a folder unchanged since
 * is not published again, whether or not that version reached the chain before the stop.
 */
final class FolderWatches {
    /** One watched folder: {@code source} (absolute) published as ledger path {@code name}. */
    record Watch(String name, String source, long debounceMs, List<String> to, int replicas, String published) {
        Watch withPublished(String signature) {
            return new Watch(name, source, debounceMs, to, replicas, signature);
        }
    }

    private static final ObjectMapper JSON = new ObjectMapper();

    private final Path file;
    private final Map<String, Watch> byName = new LinkedHashMap<>();

    private FolderWatches(Path file) {
        this.file = file;
    }

    /** Reads {@code DIR/watches.json}; none yet is no watch. */
    static FolderWatches load(Path dataDir) throws IOException {
        FolderWatches w = new FolderWatches(dataDir.resolve("watches.json"));
        if (Files.exists(w.file)) {
            List<Watch> list;
            try {
                list = JSON.readValue(w.file.toFile(), new TypeReference<List<Watch>>() {});
            } catch (com.fasterxml.jackson.core.JacksonException e) {
                // the daemon will not start on a list it cannot read rather than forget the watches in it
                throw new IOException(w.file + " is not a list of watched folders ("
                        + e.getOriginalMessage().lines().findFirst().orElse("") + "); fix or remove it");
            }
            list.forEach(x -> w.byName.put(x.name(), x));
        }
        return w;
    }

    synchronized List<Watch> all() {
        return new ArrayList<>(byName.values());
    }

    synchronized Optional<Watch> get(String name) {
        return Optional.ofNullable(byName.get(name));
    }

    synchronized void put(Watch watch) throws IOException {
        byName.put(watch.name(), watch);
        save();
    }

    synchronized boolean remove(String name) throws IOException {
        boolean had = byName.remove(name) != null;
        if (had) {
            save();
        }
        return had;
    }

    /** Written beside and renamed over the old file: a crash leaves one list or the other, never half. */
    private void save() throws IOException {
        Path tmp = file.resolveSibling(file.getFileName() + ".tmp");
        JSON.writerWithDefaultPrettyPrinter().writeValue(tmp.toFile(), new ArrayList<>(byName.values()));
        Files.move(tmp, file, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
    }
}

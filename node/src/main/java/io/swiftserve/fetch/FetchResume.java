package io.swiftserve.fetch;

import io.swiftserve.identity.Sha256;
import io.swiftserve.transfer.ChunkLayout;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.Base64;
import java.util.BitSet;
import java.util.HexFormat;
import java.util.Optional;
import java.util.Properties;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * What a collaborative download keeps for a later attempt, as wget -c would: the download itself
 * ({@code partial/fetch-<key>.download}) and a record of which chunks it holds
 * ({@code partial/fetch-<key>.resume}, a properties file). The key is derived from the URL and the
 * ledger path, so running the same {@code fetch} again finds them. A record is used only if the
 * origin still announces the same size and the same non-empty ETag: without a validator there is no
 * telling whether the bytes already here belong to the file the origin serves now.
 *
 * <p>The download is forced to disk before each record is written, so a record never lists a chunk
 * whose bytes could still be lost with the page cache.
 */
final class FetchResume {
    private static final Logger log = LoggerFactory.getLogger(FetchResume.class);
    static final String PREFIX = "fetch-";
    static final String DOWNLOAD = ".download";
    static final String RECORD = ".resume";

    record Saved(String source, long size, int chunkSize, String etag, BitSet done) {}

    private final Path download;
    private final Path record;

    FetchResume(Path partialDir, String url, String path) {
        byte[] digest = Sha256.hash((url + "\n" + path).getBytes(StandardCharsets.UTF_8));
        String key = HexFormat.of().formatHex(digest, 0, 16);
        this.download = partialDir.resolve(PREFIX + key + DOWNLOAD);
        this.record = partialDir.resolve(PREFIX + key + RECORD);
    }

    Path download() {
        return download;
    }

    /** Whether {@code file} is a download with its record, or a record with its download, recorded since {@code keepSince}. */
    static boolean isKept(Path file, long keepSince) throws IOException {
        String name = file.getFileName().toString();
        String stem;
        if (name.endsWith(RECORD)) {
            stem = name.substring(0, name.length() - RECORD.length());
        } else if (name.endsWith(DOWNLOAD)) {
            stem = name.substring(0, name.length() - DOWNLOAD.length());
        } else {
            return false;
        }
        Path record = file.resolveSibling(stem + RECORD);
        return Files.isRegularFile(record)
                && Files.isRegularFile(file.resolveSibling(stem + DOWNLOAD))
                && Files.getLastModifiedTime(record).toMillis() >= keepSince;
    }

    /**
     * The chunks kept from an earlier attempt at this layout and ETag; empty (and whatever was kept
     * removed) if there are none or they cannot be trusted.
     */
    BitSet kept(ChunkLayout layout, String etag) {
        Optional<Saved> saved = load();
        if (saved.isEmpty()) {
            return new BitSet();
        }
        Saved s = saved.get();
        String why = null;
        if (etag.isEmpty()) {
            why = "the origin sends no ETag";
        } else if (!etag.equals(s.etag())) {
            why = "the origin's ETag changed";
        } else if (s.size() != layout.size() || s.chunkSize() != layout.chunkSize()) {
            why = "the origin's size changed";
        } else if (!isDownloadOfSize(layout.size())) {
            why = "the partial download is gone";
        }
        if (why != null) {
            log.info("not resuming the earlier download of {}: {}", s.source(), why);
            discard();
            return new BitSet();
        }
        return s.done();
    }

    /** Records {@code done}; the caller has forced the download to disk first. */
    void save(String source, ChunkLayout layout, String etag, BitSet done) throws IOException {
        Properties p = new Properties();
        p.setProperty("source", source);
        p.setProperty("size", Long.toString(layout.size()));
        p.setProperty("chunkSize", Integer.toString(layout.chunkSize()));
        p.setProperty("etag", etag);
        p.setProperty("done", Base64.getEncoder().encodeToString(done.toByteArray()));
        Path tmp = record.resolveSibling(record.getFileName() + ".tmp");
        try (OutputStream out = Files.newOutputStream(tmp)) {
            p.store(out, "swiftserve fetch: chunks of " + download.getFileName() + " already downloaded");
        }
        Files.move(tmp, record, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
    }

    /** Removes the download and its record. */
    void discard() {
        try {
            Files.deleteIfExists(record);
            Files.deleteIfExists(download);
        } catch (IOException e) {
            log.debug("removing {}: {}", download, e.toString());
        }
    }

    private Optional<Saved> load() {
        if (!Files.isRegularFile(record)) {
            return Optional.empty();
        }
        Properties p = new Properties();
        try (InputStream in = Files.newInputStream(record)) {
            p.load(in);
            return Optional.of(new Saved(
                    p.getProperty("source", ""),
                    Long.parseLong(p.getProperty("size", "-1")),
                    Integer.parseInt(p.getProperty("chunkSize", "0")),
                    p.getProperty("etag", ""),
                    BitSet.valueOf(Base64.getDecoder().decode(p.getProperty("done", "")))));
        } catch (IOException | IllegalArgumentException e) {
            log.warn("ignoring an unreadable fetch record {}: {}", record, Origin.oneLine(e));
            discard();
            return Optional.empty();
        }
    }

    private boolean isDownloadOfSize(long size) {
        try {
            return Files.isRegularFile(download) && Files.size(download) == size;
        } catch (IOException e) {
            return false;
        }
    }
}

package io.swiftserve.fetch;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The end of a fetch: read the download back through the SHA-256 check and publish it exactly as
 * {@code add} does. A mismatch with the expected hash is the user's error line, not a publish error.
 */
final class Publication {
    /** The lines keep the logger they had before this class was split out of FetchJob. */
    private static final Logger log = LoggerFactory.getLogger(FetchJob.class);

    record Published(String sha256, String fileId, long version) {}

    private Publication() {}

    static Published publish(
            FetchService service,
            Path temp,
            long length,
            String expectedSha,
            String path,
            String url,
            long downloadMillis)
            throws FetchJob.FetchFailure {
        VerifyingInputStream in;
        try {
            in = new VerifyingInputStream(Files.newInputStream(temp), length, expectedSha);
        } catch (IOException e) {
            throw new FetchJob.FetchFailure("cannot read the download back: " + Origin.oneLine(e));
        }
        Map<String, Object> result;
        try (in) {
            result = service.publisher().publish(path, length, in);
        } catch (Exception e) {
            if (in.mismatch() != null) {
                throw new FetchJob.FetchFailure(in.mismatch());
            }
            throw new FetchJob.FetchFailure("cannot publish " + path + ": " + Origin.oneLine(e));
        }
        String sha256 = in.actual() == null ? "" : in.actual();
        String fileId = String.valueOf(result.get("fileId"));
        Object v = result.get("version");
        long version = v instanceof Number n ? n.longValue() : 0;
        log.info(
                "fetched {} as {} v{} ({} bytes) in {} ms; published as {}",
                url,
                path,
                version,
                length,
                downloadMillis,
                fileId.length() > 12 ? fileId.substring(0, 12) : fileId);
        return new Published(sha256, fileId, version);
    }
}

package io.swiftserve.fetch;

import io.swiftserve.transfer.ChunkLayout;
import java.io.IOException;
import java.io.InputStream;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A fetch from an origin without Range support (or of an empty file): one GET, streamed to the
 * download file by this node alone, started again from the first byte on a broken stream. Apart
 * from {@link FetchJob} because it shares none of the collaborative path's plan, helpers or sink.
 */
final class SingleStream {
    /** The lines keep the logger they had before this class was split out of FetchJob. */
    private static final Logger log = LoggerFactory.getLogger(FetchJob.class);

    /** The job's side: it keeps size, layout, plan and progress for its status. */
    interface Progress {
        void started(long announced, ChunkLayout layout);

        /** {@code total} bytes are on disk; returns the next chunk not yet marked done. */
        int wrote(long total, long announced, ChunkLayout layout, int nextChunk);

        void ended(long total, long announced);
    }

    private SingleStream() {}

    static void download(Origin origin, Guard guard, Origin.Probe probe, Path temp, String url, Progress job)
            throws FetchJob.FetchFailure, IOException {
        Origin.Probe current = probe;
        if (current.body() == null) {
            current = whole(origin, guard, probe);
        }
        for (int attempt = 1; ; attempt++) {
            long announced = current.size();
            ChunkLayout l = ChunkLayout.forSize(Math.max(0, announced));
            job.started(announced, l);
            log.info(
                    "fetching {} in one download ({}): {} bytes",
                    current.url(),
                    announced == 0 ? "empty" : "no Range support",
                    announced < 0 ? "unknown" : Long.toString(announced));
            try (InputStream in = current.body();
                    FileChannel ch = FileChannel.open(
                            temp,
                            StandardOpenOption.CREATE,
                            StandardOpenOption.WRITE,
                            StandardOpenOption.TRUNCATE_EXISTING)) {
                byte[] buf = new byte[1 << 16];
                long total = 0;
                int chunk = 0;
                for (int n; (n = in.read(buf)) > 0; ) {
                    if (announced >= 0 && total + n > announced) {
                        throw new FetchJob.FetchFailure(
                                "the origin sent more than the " + announced + " bytes it announced for " + url);
                    }
                    ByteBuffer b = ByteBuffer.wrap(buf, 0, n);
                    while (b.hasRemaining()) {
                        ch.write(b);
                    }
                    total += n;
                    chunk = job.wrote(total, announced, l, chunk);
                }
                if (announced >= 0 && total != announced) {
                    throw new IOException("the origin ended after " + total + " of " + announced + " bytes");
                }
                job.ended(total, announced);
                return;
            } catch (IOException e) {
                if (attempt >= Origin.ATTEMPTS) {
                    throw new FetchJob.FetchFailure(
                            "downloading " + url + " failed " + attempt + " times: " + Origin.oneLine(e));
                }
                log.info("downloading {} failed ({}); starting again", url, Origin.oneLine(e));
                current = whole(origin, guard, probe);
            }
        }
    }

    private static Origin.Probe whole(Origin origin, Guard guard, Origin.Probe probe)
            throws FetchJob.FetchFailure, IOException {
        try {
            return origin.whole(probe.url(), guard);
        } catch (Origin.OriginException e) {
            throw new FetchJob.FetchFailure(e.getMessage());
        }
    }
}

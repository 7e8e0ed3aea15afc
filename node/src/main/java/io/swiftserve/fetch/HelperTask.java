package io.swiftserve.fetch;

import io.swiftserve.chain.Hash;
import io.swiftserve.net.PeerSession;
import io.swiftserve.transfer.ChunkLayout;
import java.io.IOException;
import java.io.RandomAccessFile;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.BitSet;
import java.util.List;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The helper's side of one fetch: downloads the chunks the requester assigns, keeps each in a
 * sparse file laid out like the final file ({@code partial/fetch-<id>.helper}), and sends it to the
 * requester as a ChunkData frame whose file_id is the fetch id. When the requester reports the
 * published version, the kept chunks are taken into that version (checked against the ledger
 * hashes), so this node starts the swarm already holding them.
 */
final class HelperTask {
    private static final Logger log = LoggerFactory.getLogger(HelperTask.class);
    private static final long SEND_TIMEOUT_SECONDS = 60;

    final PeerSession requester;
    final Hash fetchId;
    final ChunkLayout layout;
    final Path file;
    final String url;
    final String etag;
    private FileChannel channel; // opened with the first chunk: an assignment alone costs no file
    private final BitSet held = new BitSet();
    private final RangeWorker worker;
    private volatile boolean ended;
    /** Run when the worker gave up holding no chunk: the task has nothing left to offer and should free its slot. */
    private final Runnable stoppedEmpty;

    private long lastReported = -1;

    HelperTask(
            PeerSession requester,
            Hash fetchId,
            String url,
            ChunkLayout layout,
            String etag,
            Origin origin,
            Guard guard,
            int maxRun,
            Path file,
            Runnable stoppedEmpty) {
        this.requester = requester;
        this.stoppedEmpty = stoppedEmpty;
        this.fetchId = fetchId;
        this.layout = layout;
        this.url = url;
        this.etag = etag;
        this.file = file;
        this.worker = new RangeWorker(origin, guard, url, layout, etag, maxRun, this::deliver, this::failed);
        worker.start("fetch-helper-" + fetchId.shortHex());
    }

    /** Whether a later assignment describes the same download (same URL, layout and ETag). */
    boolean sameAs(String otherUrl, ChunkLayout otherLayout, String otherEtag) {
        return url.equals(otherUrl) && layout.equals(otherLayout) && etag.equals(otherEtag);
    }

    /** Chunks assigned and not yet downloaded. */
    int queued() {
        return worker.queued();
    }

    private synchronized FileChannel channel() throws IOException {
        if (channel == null) {
            if (ended) {
                throw new IOException("the task has ended");
            }
            io.swiftserve.util.PrivateDirs.create(file.getParent());
            try (RandomAccessFile f = new RandomAccessFile(file.toFile(), "rw")) {
                f.setLength(layout.size()); // sparse: only the chunks written take space
            }
            channel = FileChannel.open(file, StandardOpenOption.READ, StandardOpenOption.WRITE);
        }
        return channel;
    }

    void assign(List<Integer> indices) {
        if (!ended) {
            worker.add(indices);
        }
    }

    void cancel(List<Integer> indices) {
        worker.cancel(indices);
    }

    private void deliver(int index, byte[] data, int length) throws IOException {
        try {
            FileChannel ch = channel();
            ByteBuffer b = ByteBuffer.wrap(data, 0, length);
            long position = layout.offset(index);
            while (b.hasRemaining()) {
                position += ch.write(b, position);
            }
        } catch (IOException e) {
            throw new RangeWorker.SinkException(e);
        }
        synchronized (held) {
            held.set(index);
        }
        awaitSent(index, requester.chunks().sendChunk(fetchId.bytes(), index, data, length));
        requester.bytesOut().addAndGet(length);
    }

    /** Waits for the frame to be written: the worker reuses its array, and a requester that reads nothing stops it. */
    private void awaitSent(int index, java.util.concurrent.CompletableFuture<Void> sent)
            throws RangeWorker.SinkException {
        String problem;
        try {
            sent.get(SEND_TIMEOUT_SECONDS, TimeUnit.SECONDS);
            return;
        } catch (TimeoutException e) {
            problem = "timed out";
        } catch (ExecutionException e) {
            problem = Origin.oneLine(e.getCause());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            problem = "interrupted";
        }
        throw new RangeWorker.SinkException(new IOException(
                "cannot send chunk " + index + " to " + requester.peer().shortId() + ": " + problem));
    }

    private void failed(List<Integer> indices, String reason, boolean fatal) {
        if (ended || !requester.isOpen()) {
            return;
        }
        FetchMessages.failed(requester, fetchId, indices, reason, fatal);
        boolean empty;
        synchronized (held) {
            empty = held.isEmpty();
        }
        if (empty) {
            stoppedEmpty.run();
        }
    }

    /** About once a second while working: bytes read from the origin (the requester's stall detector). */
    void heartbeat() {
        if (ended || !worker.busy()) {
            return;
        }
        long bytes = worker.bytesRead();
        if (bytes != lastReported || bytes == 0) {
            lastReported = bytes;
            FetchMessages.progress(requester, fetchId, bytes);
        }
    }

    boolean ended() {
        return ended;
    }

    /** Stops downloading. Returns the chunks held, which stay in {@link #file} until {@link #discard()}. */
    BitSet end() {
        ended = true;
        worker.stop();
        synchronized (held) {
            return (BitSet) held.clone();
        }
    }

    void discard() {
        try {
            synchronized (this) {
                ended = true;
                if (channel != null) {
                    channel.close();
                }
            }
        } catch (IOException ignored) {
            // deleting anyway
        }
        try {
            Files.deleteIfExists(file);
        } catch (IOException e) {
            log.debug("cannot delete {}: {}", file, e.toString());
        }
    }
}

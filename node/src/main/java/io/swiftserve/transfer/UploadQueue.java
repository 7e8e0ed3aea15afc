package io.swiftserve.transfer;

import io.swiftserve.net.ChunkWire;
import io.swiftserve.net.PeerSession;
import java.io.IOException;
import java.nio.channels.FileChannel;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayDeque;
import java.util.Iterator;
import java.util.function.Consumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The chunks one peer asked us for, written to its {@link ChunkWire} as the connection drains
 * (cleartext: sendfile, never a copy in user space; TLS: a direct buffer the TLS handler encrypts).
 * Writing only while the wire is writable keeps every requester's queue here, where a cancel can
 * still remove it, and lets the kernel share the uplink between connections.
 *
 * <p>The file is opened when its turn comes, not when the request arrives: by then a partial file
 * may have been completed and renamed into place. A chunk whose file is gone (the version was
 * dropped) gets a ChunkReject; it must never reach Netty as an unopenable region, which would
 * close the whole connection.
 */
final class UploadQueue {
    private static final Logger log = LoggerFactory.getLogger(UploadQueue.class);
    static final int MAX_QUEUED = 512;

    record Request(Download download, int index, boolean corrupt) {
        byte[] fileId() {
            return download.fileId.bytes();
        }
    }

    private final PeerSession session;
    private final ChunkWire wire;
    private final Consumer<Integer> onSent;
    private final ArrayDeque<Request> queue = new ArrayDeque<>();

    UploadQueue(PeerSession session, Consumer<Integer> onSent) {
        this.session = session;
        this.wire = session.chunks();
        this.onSent = onSent;
        wire.onWritabilityChanged(this::drain);
    }

    /** False when the peer has too many requests queued already (a greedy or broken peer). */
    synchronized boolean offer(Request request) {
        if (queue.size() >= MAX_QUEUED) {
            return false;
        }
        queue.add(request);
        wire.execute(this::drain);
        return true;
    }

    synchronized void cancel(byte[] fileId, int index) {
        for (Iterator<Request> it = queue.iterator(); it.hasNext(); ) {
            Request r = it.next();
            if (r.index == index && java.util.Arrays.equals(r.fileId(), fileId)) {
                it.remove();
                return;
            }
        }
    }

    /**
     * Opens where the download's data is now. The transfer thread records the completed path before
     * it lets go of the partial file, so one of the two is always there; the partial file itself
     * follows its own rename into place.
     */
    static FileChannel openData(Download d) throws IOException {
        for (int attempt = 0; attempt < 2; attempt++) {
            Path done = d.completePath;
            if (done != null) {
                return FileChannel.open(done, StandardOpenOption.READ);
            }
            PartialFile p = d.partial;
            if (p != null) {
                return p.openForReading();
            }
        }
        throw new NoSuchFileException(d + ": no data file");
    }

    private void drain() {
        boolean wrote = false;
        while (wire.writable()) {
            Request r;
            synchronized (this) {
                r = queue.poll();
            }
            if (r == null) {
                break;
            }
            ChunkLayout layout = r.download.layout;
            int length = layout.length(r.index);
            if (r.corrupt) {
                byte[] junk = new byte[length];
                java.util.concurrent.ThreadLocalRandom.current().nextBytes(junk);
                wire.sendChunk(r.fileId(), r.index, junk, length);
            } else {
                try {
                    Request sent = r;
                    wire.writeChunk(
                            r.fileId(),
                            r.index,
                            openData(r.download),
                            layout.offset(r.index),
                            length,
                            e -> log.info(
                                    "sending chunk {} of {} to {} failed: {}",
                                    sent.index,
                                    sent.download,
                                    session,
                                    e.toString()));
                } catch (IOException e) {
                    log.debug("cannot serve chunk {} of {} to {}: {}", r.index, r.download, session, e.toString());
                    Uploads.reject(session, r.fileId(), r.index, "chunk not held");
                    continue;
                }
            }
            session.bytesOut().addAndGet(length);
            onSent.accept(length);
            wrote = true;
        }
        if (wrote) {
            wire.flush();
        }
    }
}

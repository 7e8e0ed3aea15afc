package io.swiftserve.fetch;

import io.swiftserve.transfer.ChunkLayout;
import java.io.IOException;
import java.io.InputStream;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.atomic.AtomicLong;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Downloads the chunks queued on it from the origin, one HTTP Range request per run of consecutive
 * chunks, on a thread of its own, and hands each complete chunk to a sink. Used by the requester for
 * its own share and by every helper. Chunks can be added and cancelled while it runs; after a
 * failure it reports the chunks it could not get and stops (the requester gives them to others).
 */
final class RangeWorker implements Runnable {
    private static final Logger log = LoggerFactory.getLogger(RangeWorker.class);
    private static final int SLICE = 64 * 1024;

    interface Sink {
        /** Chunk {@code index} is {@code data[0, length)}; the array is reused after this returns. */
        void chunk(int index, byte[] data, int length) throws IOException;
    }

    interface Failure {
        void failed(List<Integer> indices, String reason, boolean fatal);
    }

    private final Origin origin;
    private final Guard guard;
    private final String url;
    private final ChunkLayout layout;
    private final String etag;
    private final int maxRun;
    private final Sink sink;
    private final Failure failure;
    private final ArrayDeque<Integer> queue = new ArrayDeque<>();
    private final Set<Integer> cancelled = new HashSet<>();
    private final AtomicLong bytesRead = new AtomicLong();
    private volatile boolean stopped;
    private volatile boolean running;
    private volatile InputStream current;

    RangeWorker(
            Origin origin,
            Guard guard,
            String url,
            ChunkLayout layout,
            String etag,
            int maxRun,
            Sink sink,
            Failure failure) {
        this.origin = origin;
        this.guard = guard;
        this.url = url;
        this.layout = layout;
        this.etag = etag;
        this.maxRun = Math.max(1, maxRun);
        this.sink = sink;
        this.failure = failure;
    }

    Thread start(String name) {
        Thread t = new Thread(this, name);
        t.setDaemon(true);
        t.start();
        return t;
    }

    synchronized void add(Collection<Integer> indices) {
        for (int i : indices) {
            if (i >= 0 && i < layout.chunkCount() && !queue.contains(i)) {
                cancelled.remove(i);
                queue.add(i);
            }
        }
        notifyAll();
    }

    synchronized void cancel(Collection<Integer> indices) {
        queue.removeAll(indices);
        cancelled.addAll(indices);
    }

    void stop() {
        stopped = true;
        synchronized (this) {
            queue.clear();
            notifyAll();
        }
        InputStream in = current;
        if (in != null) {
            try {
                in.close();
            } catch (IOException ignored) {
                // stopping anyway
            }
        }
    }

    boolean stopped() {
        return stopped;
    }

    /** Chunks queued and not yet started. */
    synchronized int queued() {
        return queue.size();
    }

    /** Downloading or holding queued work. */
    synchronized boolean busy() {
        return !stopped && (running || !queue.isEmpty());
    }

    long bytesRead() {
        return bytesRead.get();
    }

    @Override
    public void run() {
        // allocated for work and dropped when the queue runs dry: an idle worker (a helper waiting
        // for its next batch, or for the fetch to end) holds no chunk-sized buffer
        byte[] buffer = null;
        while (!stopped) {
            List<Integer> run = nextRun();
            if (run == null) {
                return;
            }
            if (buffer == null) {
                buffer = new byte[layout.chunkSize()];
            }
            try {
                fetch(run, buffer);
                synchronized (this) {
                    if (queue.isEmpty()) {
                        buffer = null;
                    }
                }
            } catch (Origin.OriginException e) {
                if (stopped) {
                    return;
                }
                List<Integer> lost = new ArrayList<>(run);
                synchronized (this) {
                    lost.removeAll(cancelled);
                    lost.addAll(queue);
                    queue.clear();
                }
                stopped = true;
                log.info(
                        "fetch from {} failed: {}",
                        io.swiftserve.util.LogText.escape(url),
                        io.swiftserve.util.LogText.escape(e.getMessage()));
                failure.failed(lost, e.getMessage(), e.fatal);
                return;
            } catch (IOException e) {
                if (stopped) {
                    return;
                }
                stopped = true;
                List<Integer> lost = new ArrayList<>(run);
                synchronized (this) {
                    lost.addAll(queue);
                    queue.clear();
                }
                failure.failed(lost, "cannot store a chunk: " + Origin.oneLine(e), false);
                return;
            } finally {
                synchronized (this) {
                    running = false;
                }
            }
        }
    }

    /** The next run of consecutive queued chunks (in queue order), waiting for work; null once stopped. */
    private synchronized List<Integer> nextRun() {
        while (queue.isEmpty() && !stopped) {
            try {
                wait(1000);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                stopped = true;
            }
        }
        if (stopped) {
            return null;
        }
        List<Integer> run = new ArrayList<>();
        run.add(queue.poll());
        while (run.size() < maxRun && !queue.isEmpty() && queue.peek() == run.get(run.size() - 1) + 1) {
            run.add(queue.poll());
        }
        running = true;
        return run;
    }

    private void fetch(List<Integer> run, byte[] buffer) throws IOException {
        List<Integer> remaining = new ArrayList<>(run);
        for (int attempt = 1; ; attempt++) {
            dropCancelledHead(remaining);
            if (remaining.isEmpty() || stopped) {
                return;
            }
            int first = remaining.get(0);
            int last = remaining.get(remaining.size() - 1);
            long from = layout.offset(first);
            long to = layout.offset(last) + layout.length(last) - 1;
            try (InputStream in = origin.range(url, from, to, layout.size(), etag, guard)) {
                current = in;
                while (!remaining.isEmpty()) {
                    int index = remaining.get(0);
                    int length = layout.length(index);
                    readChunk(in, buffer, length, from, to);
                    remaining.remove(0);
                    boolean skip;
                    synchronized (this) {
                        skip = cancelled.remove(index);
                    }
                    if (!skip && !stopped) {
                        sink.chunk(index, buffer, length);
                    }
                    if (stopped || allCancelled(remaining)) {
                        return;
                    }
                }
                return;
            } catch (Origin.OriginException e) {
                throw e;
            } catch (SinkException e) {
                throw e.getCause();
            } catch (IOException e) {
                if (stopped) {
                    return;
                }
                if (attempt >= Origin.ATTEMPTS) {
                    throw new Origin.OriginException(
                            "reading bytes " + from + "-" + to + " from the origin failed " + attempt + " times: "
                                    + Origin.oneLine(e),
                            false);
                }
                log.debug(
                        "reading {} bytes {}-{} failed ({}); retrying",
                        io.swiftserve.util.LogText.escape(url),
                        from,
                        to,
                        io.swiftserve.util.LogText.escape(e.toString()));
            } finally {
                current = null;
            }
        }
    }

    private void readChunk(InputStream in, byte[] buffer, int length, long from, long to) throws IOException {
        int off = 0;
        while (off < length) {
            int n = in.read(buffer, off, Math.min(SLICE, length - off));
            if (n < 0) {
                throw new IOException("the origin ended bytes " + from + "-" + to + " early");
            }
            off += n;
            bytesRead.addAndGet(n);
        }
    }

    private synchronized void dropCancelledHead(List<Integer> remaining) {
        remaining.removeIf(cancelled::remove);
    }

    private synchronized boolean allCancelled(List<Integer> remaining) {
        return !remaining.isEmpty() && cancelled.containsAll(remaining);
    }

    /** Wraps a sink's I/O error so it is not mistaken for an origin read error and retried. */
    static final class SinkException extends IOException {
        SinkException(IOException cause) {
            super(cause);
        }

        @Override
        public synchronized IOException getCause() {
            return (IOException) super.getCause();
        }
    }
}

package io.swiftserve.daemon;

import java.io.FilterInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;

/**
 * How far the adds the daemon reads itself have got, by the id their CLI chose, so that it can draw
 * a progress bar while the one request that carries the add is still running.
 */
final class AddProgress {
    /** At most this many adds are followed at once; an id beyond them simply shows no progress. */
    static final int MAX = 64;

    private record Entry(long total, AtomicLong read) {}

    private final Map<String, Entry> running = new ConcurrentHashMap<>();

    /** {@code in} counted under {@code id} (null or too many: not counted) until the returned stream closes. */
    InputStream follow(String id, long total, InputStream in) {
        if (id == null || id.isEmpty() || id.length() > 64 || running.size() >= MAX) {
            return in;
        }
        Entry e = new Entry(total, new AtomicLong());
        running.put(id, e);
        return new FilterInputStream(in) {
            @Override
            public int read() throws IOException {
                int b = super.read();
                if (b >= 0) {
                    e.read().incrementAndGet();
                }
                return b;
            }

            @Override
            public int read(byte[] buf, int off, int len) throws IOException {
                int n = super.read(buf, off, len);
                if (n > 0) {
                    e.read().addAndGet(n);
                }
                return n;
            }

            @Override
            public void close() throws IOException {
                running.remove(id, e);
                super.close();
            }
        };
    }

    /** {@code read} and {@code total} bytes of add {@code id}; {@code running} false once it ended or if unknown. */
    Map<String, Object> of(String id) {
        Entry e = id == null ? null : running.get(id);
        if (e == null) {
            return Map.of("running", false);
        }
        return Map.of("running", true, "read", e.read().get(), "total", e.total());
    }
}

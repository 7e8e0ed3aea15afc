package io.swiftserve.transfer;

import io.swiftserve.net.PeerSession;
import io.swiftserve.util.Ambient;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Requests in flight, per session, with the time each was sent. Transfer thread only. The pipeline
 * to a peer is sized by time: about {@link #PIPELINE_SECONDS} of the rate that peer currently
 * delivers, to the nearest chunk, plus one, so a fast link stays full and a slow one does not hoard
 * chunks. Nearest, not rounded up: a peer sending 1.8 MB/s of 128 KiB chunks (one of seven at
 * 100 Mbit/s) got 3 requests rounded up, and the third only queued at it (bench-lan N=8, 100 Mbit/s,
 * 64 MiB, 2026-12-06: 2 deep 6.19-6.44 s against 3 deep 6.28-6.48 s, means 6.26 and 6.37 s; 16 hosts
 * 7.17, 7.26 s against 7.34, 7.71 s), while at 1 Gbit/s, 9 deep either way, nothing changes.
 *
 * <p>A tenth of a second, not "a few seconds": on a LAN a request crosses in well under a
 * millisecond, and every request beyond what keeps the uploader busy only queues there. A chunk
 * queued behind a busy peer is committed to it, so the other peers that receive the same chunk
 * moments later are never asked for it and their uplinks idle while the requester waits. Shallow
 * pipelines leave a chunk free until a holder with room takes it, so each chunk fans out as a tree
 * instead of a star around whoever got it first (bench-lan N=8, 100 Mbit/s, 64 MiB, 2026-11-21:
 * 0.25 s and at least 4 deep: receivers' downlinks 0.80 busy, seed 1.17 copies, 1.34 x T_min;
 * 0.1 s + 1 and at least 2 deep: 0.83, 1.06 copies, 1.26 x T_min).
 */
final class Requests {
    /** Seconds of a peer's current rate kept in flight to it; {@code -Dswiftserve.pipelineSeconds} overrides for tuning. */
    static final double PIPELINE_SECONDS = Double.parseDouble(System.getProperty("swiftserve.pipelineSeconds", "0.1"));
    /** One chunk on the wire and one waiting behind it, so the uploader never waits for our next request. */
    static final int MIN_DEPTH = 2;
    /**
     * To a super-seeding seed: it shows each peer chunks of its own, so a deeper pipeline there
     * cannot commit a chunk someone else would serve, and its uplink is the one that carries every
     * new chunk into the swarm.
     */
    static final int SUPER_SEED_MIN_DEPTH = 4;

    static final int MAX_DEPTH = 256;
    static final long BASE_TIMEOUT_NANOS = 5_000_000_000L;
    static final long LATE_MIN_NANOS = 500_000_000L;
    static final double LATE_RATE_FLOOR = 4 << 20;
    static final long MAX_TIMEOUT_NANOS = 30_000_000_000L;

    /**
     * A request's map key, looked up several times per chunk. equals and hashCode are written out:
     * a record's generated ones run through method handles, which the daemon's C1-compiled code
     * does not inline (4 % of the transfer thread's samples went there).
     */
    record Key(Download download, int index) {
        @Override
        public boolean equals(Object o) {
            return o instanceof Key k && k.download == download && k.index == index;
        }

        @Override
        public int hashCode() {
            return 31 * download.hashCode() + index;
        }
    }

    private final Map<PeerSession, LinkedHashMap<Key, Long>> bySession = new HashMap<>();
    private final Map<PeerSession, TransferStats.Rate> rates = new java.util.concurrent.ConcurrentHashMap<>();

    void sent(PeerSession s, Download d, int index) {
        bySession.computeIfAbsent(s, k -> new LinkedHashMap<>()).put(new Key(d, index), Ambient.nanoTime());
    }

    /** Forgets a request; true if it was outstanding. */
    boolean done(PeerSession s, Download d, int index) {
        Map<Key, Long> m = bySession.get(s);
        return m != null && m.remove(new Key(d, index)) != null;
    }

    /** Requests outstanding at {@code s} that match {@code which}. */
    int count(PeerSession s, java.util.function.Predicate<Key> which) {
        Map<Key, Long> m = bySession.get(s);
        return m == null ? 0 : (int) m.keySet().stream().filter(which).count();
    }

    int inflight(PeerSession s) {
        Map<Key, Long> m = bySession.get(s);
        return m == null ? 0 : m.size();
    }

    /** How many more requests the pipeline to {@code s} takes, for chunks of {@code chunkSize}, at least {@code minDepth} deep. */
    int budget(PeerSession s, int chunkSize, int minDepth) {
        return Math.max(minDepth, depth(rate(s), chunkSize)) - inflight(s);
    }

    /** Requests in flight to a peer delivering {@code bytesPerSecond}: its rate's pipeline time in chunks, to the nearest, and one more. */
    static int depth(double bytesPerSecond, int chunkSize) {
        long chunks = Math.round(bytesPerSecond * PIPELINE_SECONDS / chunkSize);
        return (int) Math.min(MAX_DEPTH, chunks + 1);
    }

    double rate(PeerSession s) {
        TransferStats.Rate r = rates.get(s);
        return r == null ? 0 : r.perSecond();
    }

    void sampleRates() {
        for (PeerSession s : bySession.keySet()) {
            rates.computeIfAbsent(s, k -> new TransferStats.Rate())
                    .sample(s.bytesIn().get());
        }
    }

    /**
     * Whether every outstanding request of chunk {@code index} of {@code d} is late: older than
     * twice the pipeline plus four times the chunk's time at this node's whole download rate (at
     * least half a second). Only a late request is worth duplicating in the end game; the others
     * arrive on their own. Before the first rate samples the rate is taken as 4 MiB/s, so a fast
     * download that reaches its end game within a second is not left waiting on a stalled peer.
     */
    boolean isLate(Download d, int index, long nowNanos) {
        double totalRate = Math.max(
                LATE_RATE_FLOOR,
                rates.values().stream()
                        .mapToDouble(TransferStats.Rate::perSecond)
                        .sum());
        double expectedSeconds = 2 * PIPELINE_SECONDS + 4.0 * d.layout.length(index) / totalRate;
        long lateAfter = Math.max(LATE_MIN_NANOS, (long) (expectedSeconds * 1e9));
        Key key = new Key(d, index);
        for (LinkedHashMap<Key, Long> pending : bySession.values()) {
            Long sent = pending.get(key);
            if (sent != null && nowNanos - sent < lateAfter) {
                return false;
            }
        }
        return true;
    }

    /** Removes and returns requests older than their deadline. */
    List<Map.Entry<PeerSession, Key>> expired(long nowNanos) {
        List<Map.Entry<PeerSession, Key>> out = new ArrayList<>();
        for (Map.Entry<PeerSession, LinkedHashMap<Key, Long>> e : bySession.entrySet()) {
            PeerSession s = e.getKey();
            long timeout = timeout(s, e.getValue());
            for (Iterator<Map.Entry<Key, Long>> it = e.getValue().entrySet().iterator(); it.hasNext(); ) {
                Map.Entry<Key, Long> r = it.next();
                if (nowNanos - r.getValue() > timeout) {
                    out.add(Map.entry(s, r.getKey()));
                    it.remove();
                }
            }
        }
        return out;
    }

    private long timeout(PeerSession s, Map<Key, Long> pending) {
        long queuedBytes = pending.keySet().stream()
                .mapToLong(k -> k.download().layout.length(k.index()))
                .sum();
        double rate = Math.max(rate(s), 256 * 1024);
        return Math.min(MAX_TIMEOUT_NANOS, BASE_TIMEOUT_NANOS + (long) (2e9 * queuedBytes / rate));
    }

    /** Forgets everything about a session; returns what was outstanding there. */
    List<Key> remove(PeerSession s) {
        rates.remove(s);
        Map<Key, Long> m = bySession.remove(s);
        return m == null ? List.of() : new ArrayList<>(m.keySet());
    }

    void removeDownload(Download d) {
        bySession.values().forEach(m -> m.keySet().removeIf(k -> k.download() == d));
    }
}

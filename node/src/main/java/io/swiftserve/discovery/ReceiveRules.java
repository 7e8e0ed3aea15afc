package io.swiftserve.discovery;

import io.swiftserve.identity.NodeId;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.util.Arrays;
import java.util.EnumMap;
import java.util.HashMap;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Predicate;

/**
 * What a received datagram must pass before its address is worth a dial, cheapest test first: the
 * magic, a per-source rate, this network's hash, not this node, a current member, a fresh timestamp,
 * newer than the last one taken from that member, the global budget of signature checks, and the
 * signature. Anyone on the LAN can send anything to the port, so every map is bounded and nothing
 * is kept for a datagram that failed. One thread (the receiver) calls {@link #check}.
 */
final class ReceiveRules {
    /** Why a datagram was dropped, or {@link #ACCEPTED}; counted for the logs and tests. */
    enum Verdict {
        ACCEPTED,
        NOT_DISCOVERY,
        RATE_LIMITED,
        OTHER_NETWORK,
        OWN,
        NOT_MEMBER,
        STALE,
        REPLAYED,
        BUSY,
        FORGED
    }

    /** A member heard at {@code address}; {@code restarted}: a process start this node had not seen yet. */
    record Candidate(NodeId node, InetSocketAddress address, boolean restarted) {}

    record Result(Verdict verdict, Optional<Candidate> candidate) {}

    /** Announcements are taken within this much of this node's clock either way. */
    static final long FRESH_MS = 5 * 60_000;
    /** Per source address: a burst of 8, then one every 2 s (a member sends one every 30 s, a few more when answering). */
    static final int SOURCE_BURST = 8;

    static final long SOURCE_REFILL_MS = 2_000;
    static final int MAX_SOURCES = 1_024;
    /** Signature checks a second over all sources: a flood of well-formed forgeries costs little CPU. */
    static final int VERIFY_PER_SECOND = 64;

    static final int MAX_MEMBERS_TRACKED = 10_000;

    private final byte[] networkHash;
    private final NodeId self;
    private final Predicate<NodeId> isMember;
    private final Map<InetAddress, Bucket> sources = new HashMap<>();
    private final Map<NodeId, Last> last = new HashMap<>();
    private final Map<Verdict, AtomicLong> counts = new EnumMap<>(Verdict.class);
    private long verifyWindowStartMs;
    private int verifiedInWindow;

    private static final class Bucket {
        double tokens = SOURCE_BURST;
        long lastMs;
    }

    private record Last(long timestampMs, byte[] instance) {}

    ReceiveRules(byte[] networkHash, NodeId self, Predicate<NodeId> isMember) {
        this.networkHash = networkHash.clone();
        this.self = self;
        this.isMember = isMember;
        for (Verdict v : Verdict.values()) {
            counts.put(v, new AtomicLong());
        }
    }

    Result check(byte[] datagram, int length, InetAddress source, long nowMs) {
        if (length < Announcements.MAGIC.length
                || length > Announcements.MAX_DATAGRAM
                || !Announcements.startsWithMagic(datagram)) {
            return drop(Verdict.NOT_DISCOVERY);
        }
        if (!takeToken(source, nowMs)) {
            return drop(Verdict.RATE_LIMITED);
        }
        Optional<Announcements.Heard> decoded = Announcements.decode(datagram, length);
        if (decoded.isEmpty()) {
            return drop(Verdict.NOT_DISCOVERY);
        }
        Announcements.Heard heard = decoded.get();
        if (!Arrays.equals(heard.networkHash(), networkHash)) {
            return drop(Verdict.OTHER_NETWORK);
        }
        if (heard.node().equals(self)) {
            return drop(Verdict.OWN);
        }
        if (!isMember.test(heard.node())) {
            return drop(Verdict.NOT_MEMBER);
        }
        if (Math.abs(nowMs - heard.timestampMs()) > FRESH_MS) {
            return drop(Verdict.STALE);
        }
        Last before = last.get(heard.node());
        if (before != null && heard.timestampMs() <= before.timestampMs()) {
            return drop(Verdict.REPLAYED);
        }
        if (!takeVerification(nowMs)) {
            return drop(Verdict.BUSY);
        }
        if (!heard.signatureValid()) {
            return drop(Verdict.FORGED);
        }
        if (before == null && last.size() >= MAX_MEMBERS_TRACKED) {
            last.clear();
        }
        last.put(heard.node(), new Last(heard.timestampMs(), heard.instance()));
        boolean restarted = before == null || !Arrays.equals(before.instance(), heard.instance());
        counts.get(Verdict.ACCEPTED).incrementAndGet();
        return new Result(
                Verdict.ACCEPTED,
                Optional.of(new Candidate(heard.node(), new InetSocketAddress(source, heard.port()), restarted)));
    }

    long count(Verdict verdict) {
        return counts.get(verdict).get();
    }

    private Result drop(Verdict verdict) {
        counts.get(verdict).incrementAndGet();
        return new Result(verdict, Optional.empty());
    }

    private boolean takeToken(InetAddress source, long nowMs) {
        Bucket b = sources.get(source);
        if (b == null) {
            if (sources.size() >= MAX_SOURCES) {
                // forget the sources that have been quiet long enough to be full again; if none, refuse newcomers
                sources.values().removeIf(x -> refill(x, nowMs) >= SOURCE_BURST);
                if (sources.size() >= MAX_SOURCES) {
                    return false;
                }
            }
            b = new Bucket();
            b.lastMs = nowMs;
            sources.put(source, b);
        }
        refill(b, nowMs);
        if (b.tokens < 1) {
            return false;
        }
        b.tokens--;
        return true;
    }

    private static double refill(Bucket b, long nowMs) {
        if (nowMs > b.lastMs) {
            b.tokens = Math.min(SOURCE_BURST, b.tokens + (double) (nowMs - b.lastMs) / SOURCE_REFILL_MS);
            b.lastMs = nowMs;
        }
        return b.tokens;
    }

    private boolean takeVerification(long nowMs) {
        if (nowMs - verifyWindowStartMs >= 1_000 || nowMs < verifyWindowStartMs) {
            verifyWindowStartMs = nowMs;
            verifiedInWindow = 0;
        }
        return ++verifiedInWindow <= VERIFY_PER_SECOND;
    }
}

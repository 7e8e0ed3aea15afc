package io.swiftserve.transfer;

import io.swiftserve.util.Ambient;
import java.util.ArrayList;
import java.util.BitSet;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.function.LongSupplier;
import java.util.random.RandomGenerator;

/**
 * Seeding a version nobody else holds yet, the way BitTorrent's super-seeding (BEP 16) does it:
 * instead of its whole bitmap, the seed shows each peer only a few chunks nobody has, and shows it
 * another one each time the peer announces one of those. The peers must get everything else from
 * each other, so the seed's uplink carries every chunk about once instead of whatever several
 * peers happen to request at the same moment; the seed alone needs a whole copy's time at its link
 * rate, and every duplicate it sends adds to the distribution time directly.
 *
 * <p>Once some peer holds every chunk, super-seeding ends and the seed announces its full bitmap,
 * so the end game can use its uplink too. Ending earlier, as soon as every chunk had been shown to
 * someone, made all peers ask the seed at once for the chunks still on their way to the peer they
 * were shown to (bench-lan N=8: the seed still uploaded 1.26-1.29 copies). A peer that makes no
 * progress on what it was shown for a while gives those chunks back, so a stalled peer cannot
 * hold the swarm back.
 *
 * <p>Transfer thread only.
 *
 * @param <P> the peer key
 */
final class SuperSeed<P> {
    /** Chunks shown to a peer and not yet announced by it: several times its request pipeline, so it never waits for the next. */
    static final int SHOWN_PER_PEER = 8;
    /** A peer that announces none of its shown chunks for this long gives them back (plus 4 s per MiB of chunk). */
    static final long STALL_NANOS = 10_000_000_000L;

    private final int chunks;
    private final long stallNanos;
    /** Chunks not yet shown to anyone and held by no peer we know of. */
    private final BitSet pool = new BitSet();
    /** Held by some peer. */
    private final BitSet held = new BitSet();

    private final Map<P, Shown> peers = new HashMap<>();
    private final RandomGenerator random;
    private final LongSupplier nanoClock;

    private static final class Shown {
        final BitSet all = new BitSet();
        /** Shown and not yet announced by this peer nor held by anyone. */
        final BitSet pending = new BitSet();

        long lastProgressNanos;
        /** Gave its chunks back; shown nothing more until it announces any chunk again. */
        boolean stalled;
    }

    SuperSeed(int chunks, int chunkSize, RandomGenerator random, LongSupplier nanoClock) {
        this.chunks = chunks;
        this.random = random;
        this.nanoClock = nanoClock;
        this.stallNanos = STALL_NANOS + 4_000_000_000L * chunkSize / (1 << 20);
        pool.set(0, chunks);
    }

    SuperSeed(int chunks, int chunkSize) {
        this(chunks, chunkSize, Ambient.random(), Ambient::nanoTime);
    }

    /** Over: some peer holds every chunk. */
    boolean isDone() {
        return held.cardinality() == chunks;
    }

    /**
     * What {@code peer} may see of this seed's bitmap: every chunk shown to it so far, topped up to
     * {@link #SHOWN_PER_PEER} outstanding. {@code peerHolds} is what the peer already has.
     */
    BitSet show(P peer, ChunkBitmap peerHolds) {
        peerState(peer);
        for (int c = peerHolds.nextSet(0); c >= 0; c = peerHolds.nextSet(c + 1)) {
            markHeld(c);
        }
        topUp(peer);
        return shownTo(peer);
    }

    /** What {@code peer} has been shown so far (empty if nothing). */
    BitSet shownTo(P peer) {
        Shown s = peers.get(peer);
        return s == null ? new BitSet() : (BitSet) s.all.clone();
    }

    /**
     * {@code peer} announced chunk {@code index}: nobody needs it from the seed any more, and if it
     * was one shown to that peer, the peer gets to see another. Returns the chunks newly shown.
     */
    List<Integer> peerHas(P peer, int index) {
        if (index < 0 || index >= chunks) {
            return List.of();
        }
        Shown s = peers.get(peer);
        boolean earned = s != null && s.pending.get(index);
        markHeld(index);
        if (s != null && s.stalled) {
            s.stalled = false;
            s.lastProgressNanos = nanoClock.getAsLong();
            return topUp(peer);
        }
        if (!earned) {
            return List.of();
        }
        s.lastProgressNanos = nanoClock.getAsLong();
        return topUp(peer);
    }

    /** {@code peer} left: what it was shown and never got goes back to the pool. */
    void peerGone(P peer) {
        Shown s = peers.remove(peer);
        if (s != null) {
            giveBack(s);
        }
    }

    /**
     * Takes back the chunks of peers that made no progress for a while and shows them, and whatever
     * else is in the pool, to peers with room. Returns, per peer, the chunks newly shown to it.
     */
    Map<P, List<Integer>> rebalance() {
        long nowNanos = nanoClock.getAsLong();
        for (Shown s : peers.values()) {
            if (!s.pending.isEmpty() && nowNanos - s.lastProgressNanos > stallNanos) {
                giveBack(s);
                s.stalled = true;
            }
        }
        Map<P, List<Integer>> added = new HashMap<>();
        for (P p : peers.keySet()) {
            List<Integer> more = topUp(p);
            if (!more.isEmpty()) {
                added.put(p, more);
            }
        }
        return added;
    }

    private void giveBack(Shown s) {
        for (int c = s.pending.nextSetBit(0); c >= 0; c = s.pending.nextSetBit(c + 1)) {
            if (!held.get(c)) {
                pool.set(c);
            }
        }
        s.pending.clear();
    }

    private void markHeld(int c) {
        held.set(c);
        pool.clear(c);
        for (Shown s : peers.values()) {
            s.pending.clear(c);
        }
    }

    private Shown peerState(P peer) {
        return peers.computeIfAbsent(peer, p -> {
            Shown s = new Shown();
            s.lastProgressNanos = nanoClock.getAsLong();
            return s;
        });
    }

    private List<Integer> topUp(P peer) {
        Shown s = peerState(peer);
        List<Integer> added = new ArrayList<>();
        if (s.stalled) {
            return added;
        }
        while (s.pending.cardinality() < SHOWN_PER_PEER && !pool.isEmpty()) {
            int c = randomInPool();
            pool.clear(c);
            s.all.set(c);
            s.pending.set(c);
            added.add(c);
        }
        return added;
    }

    private int randomInPool() {
        int c = pool.nextSetBit(random.nextInt(chunks));
        return c >= 0 ? c : pool.nextSetBit(0);
    }
}

package io.swiftserve.transfer;

import io.swiftserve.util.Ambient;
import java.util.BitSet;
import java.util.HashMap;
import java.util.LinkedHashSet;
import java.util.Map;
import java.util.OptionalInt;
import java.util.Set;
import java.util.random.RandomGenerator;

/**
 * Chooses which chunk of one file to ask each peer for next. Rarest first, random among equally
 * rare chunks, so the swarm spreads every chunk before any becomes scarce; but random for the first
 * {@value #RANDOM_FIRST} chunks, because a newcomer needs something to trade quickly more than it
 * needs the rarest piece. When every missing chunk some peer has is already requested (end game),
 * a chunk outstanding elsewhere may be asked again of another peer, the one whose latest request is
 * oldest first, so one slow peer cannot hold back the end of a download.
 *
 * <p>{@link #next} only proposes; the caller records what it actually sends with {@link #requested}.
 * All methods are synchronized: peers of one file are served by different event-loop threads.
 *
 * @param <P> the peer key (equals/hashCode identify a peer)
 */
public final class PieceSelector<P> {
    static final int RANDOM_FIRST = 4;

    private final int chunks;
    /** Chunks being read from a local file: neither free nor requested. */
    private final BitSet reserved = new BitSet();

    private int heldCount;
    /*
     * The rest is null once every chunk is held (see done()): a complete version never picks again,
     * and what its peers hold would cost heap for nothing (~450 bytes a file and two bitsets per
     * peer that ever announced it, kilobytes a file on a node of thousands of files).
     */
    private BitSet held = new BitSet();
    private int[] availability;
    private Map<P, Peer> peers = new HashMap<>();
    private Map<Integer, Set<P>> requesters = new HashMap<>();
    /** Outstanding chunks, the one whose latest request is oldest first. */
    private LinkedHashSet<Integer> byLastRequest = new LinkedHashSet<>();
    /** Chunks we lack that are not requested from anyone, by availability. */
    private AvailabilityBuckets free;

    private final RandomGenerator random;

    private static final class Peer {
        final BitSet has = new BitSet();
        final BitSet requested = new BitSet();
    }

    /** @param have what we hold already (read once; later arrivals are reported with {@link #received}) */
    public PieceSelector(ChunkBitmap have, RandomGenerator random) {
        this.chunks = have.chunkCount();
        this.random = random;
        if (have.isComplete()) {
            heldCount = chunks;
            done();
            return;
        }
        this.availability = new int[chunks];
        this.free = new AvailabilityBuckets(chunks, random);
        for (int c = 0; c < chunks; c++) {
            if (have.get(c)) {
                held.set(c);
                heldCount++;
            } else {
                free.add(c, 0);
            }
        }
    }

    public PieceSelector(ChunkBitmap have) {
        this(have, Ambient.random());
    }

    /** Replaces what {@code peer} is known to hold, e.g. with the bitmap it sent on connect. */
    public synchronized void peerHas(P peer, ChunkBitmap bitmap) {
        if (bitmap.chunkCount() != chunks) {
            throw new IllegalArgumentException("bitmap of " + bitmap.chunkCount() + " chunks, file has " + chunks);
        }
        if (isComplete()) {
            return;
        }
        Peer state = peerState(peer);
        for (int c = 0; c < chunks; c++) {
            boolean has = bitmap.get(c);
            if (has != state.has.get(c)) {
                state.has.set(c, has);
                addAvailability(c, has ? 1 : -1);
            }
        }
    }

    /** {@code peer} announced one more chunk. */
    public synchronized void peerHasChunk(P peer, int index) {
        checkIndex(index);
        if (isComplete()) {
            return;
        }
        Peer state = peerState(peer);
        if (!state.has.get(index)) {
            state.has.set(index);
            addAvailability(index, 1);
        }
    }

    /** {@code peer} left the swarm: forget what it has and release what it was asked for. */
    public synchronized void peerGone(P peer) {
        if (isComplete()) {
            return;
        }
        Peer state = peers.remove(peer);
        if (state == null) {
            return;
        }
        for (int c = state.has.nextSetBit(0); c >= 0; c = state.has.nextSetBit(c + 1)) {
            addAvailability(c, -1);
        }
        for (int c = state.requested.nextSetBit(0); c >= 0; c = state.requested.nextSetBit(c + 1)) {
            release(peer, state, c);
        }
    }

    /** The chunk to ask {@code peer} for next, if it has one we need. */
    public synchronized OptionalInt next(P peer) {
        if (isComplete()) {
            return OptionalInt.empty();
        }
        Peer state = peers.get(peer);
        if (state == null) {
            return OptionalInt.empty();
        }
        int chunk = heldCount + requesters.size() < RANDOM_FIRST ? randomFree(state) : rarestFree(state);
        // end game only once every missing chunk is requested somewhere: while some are still on no
        // peer (a super-seeding seed shows them one by one) or being read from this disk, duplicates
        // would only waste the downlink
        if (chunk < 0 && free.size() == 0 && reserved.isEmpty()) {
            chunk = endGame(state);
        }
        return chunk < 0 ? OptionalInt.empty() : OptionalInt.of(chunk);
    }

    /** Records a request sent to {@code peer}; false (and no change) if we hold the chunk or already asked that peer. */
    public synchronized boolean requested(P peer, int index) {
        checkIndex(index);
        if (isComplete()) {
            return false;
        }
        Peer state = peerState(peer);
        if (held.get(index) || state.requested.get(index)) {
            return false;
        }
        state.requested.set(index);
        free.remove(index);
        requesters.computeIfAbsent(index, k -> new LinkedHashSet<>()).add(peer);
        byLastRequest.remove(index);
        byLastRequest.add(index);
        return true;
    }

    /**
     * Chunk {@code index} arrived from {@code from} and was verified and stored.
     *
     * @return the other peers it is still requested from, to be sent a cancel
     */
    public synchronized Set<P> received(P from, int index) {
        checkIndex(index);
        if (isComplete()) {
            return Set.of();
        }
        if (!held.get(index)) {
            held.set(index);
            heldCount++;
        }
        free.remove(index);
        byLastRequest.remove(index);
        Set<P> pending = requesters.remove(index);
        if (pending != null) {
            for (P p : pending) {
                Peer state = peers.get(p);
                if (state != null) {
                    state.requested.clear(index);
                }
            }
            pending.remove(from);
        }
        if (isComplete()) {
            done();
        }
        return pending == null ? Set.of() : pending;
    }

    /**
     * Every chunk is held: nothing is free or outstanding any more (each arrival took its chunk off
     * both), so only what the peers hold is left, which a complete version never reads.
     */
    private void done() {
        held = null;
        availability = null;
        peers = null;
        requesters = null;
        byLastRequest = null;
        free = null;
    }

    /** Peers whose holdings this selector keeps (none once complete). */
    synchronized int peerCount() {
        return peers == null ? 0 : peers.size();
    }

    /**
     * Keeps chunk {@code index} from being offered while it is read from a file on this node
     * ({@link ChunkAdoption}): a chunk that lies on this disk must not also cross the wire.
     */
    public synchronized void reserve(int index) {
        checkIndex(index);
        if (!isComplete() && !held.get(index)) {
            reserved.set(index);
            free.remove(index);
        }
    }

    /** The local read of {@code index} is over: if it did not bring the chunk, peers may be asked for it. */
    public synchronized void unreserve(int index) {
        checkIndex(index);
        if (reserved.get(index)) {
            reserved.clear(index);
            if (!isComplete() && !held.get(index) && !requesters.containsKey(index) && !free.contains(index)) {
                free.add(index, availability[index]);
            }
        }
    }

    /** The request of {@code index} from {@code peer} ended without the chunk (rejected, timed out, bad data). */
    public synchronized void failed(P peer, int index) {
        checkIndex(index);
        if (isComplete()) {
            return;
        }
        Peer state = peers.get(peer);
        if (state != null && state.requested.get(index)) {
            release(peer, state, index);
        }
    }

    /** How many peers have {@code index} requested right now (more than one: end-game duplicates). */
    public synchronized int requesters(int index) {
        if (isComplete()) {
            return 0;
        }
        Set<P> r = requesters.get(index);
        return r == null ? 0 : r.size();
    }

    /** Requests outstanding at {@code peer}. */
    public synchronized int outstanding(P peer) {
        if (isComplete()) {
            return 0;
        }
        Peer state = peers.get(peer);
        return state == null ? 0 : state.requested.cardinality();
    }

    public synchronized boolean isComplete() {
        return heldCount == chunks;
    }

    private Peer peerState(P peer) {
        return peers.computeIfAbsent(peer, p -> new Peer());
    }

    private void addAvailability(int chunk, int delta) {
        availability[chunk] += delta;
        free.move(chunk, availability[chunk]);
    }

    private void release(P peer, Peer state, int chunk) {
        state.requested.clear(chunk);
        Set<P> pending = requesters.get(chunk);
        pending.remove(peer);
        if (pending.isEmpty()) {
            requesters.remove(chunk);
            byLastRequest.remove(chunk);
            if (!held.get(chunk) && !reserved.get(chunk)) {
                free.add(chunk, availability[chunk]);
            }
        }
    }

    private int rarestFree(Peer state) {
        for (int b = 1; b < free.bucketCount(); b++) {
            int chunk = free.pick(b, state.has::get);
            if (chunk >= 0) {
                return chunk;
            }
        }
        return -1;
    }

    // linear only when the peer has few free chunks, and only for the first few requests
    private int randomFree(Peer state) {
        return AvailabilityBuckets.pick(chunks, c -> c, c -> state.has.get(c) && free.contains(c), random);
    }

    private int endGame(Peer state) {
        for (int chunk : byLastRequest) {
            if (state.has.get(chunk) && !state.requested.get(chunk)) {
                return chunk;
            }
        }
        return -1;
    }

    private void checkIndex(int index) {
        if (index < 0 || index >= chunks) {
            throw new IndexOutOfBoundsException("chunk " + index + " of " + chunks);
        }
    }
}

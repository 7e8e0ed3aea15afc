package io.swiftserve.transfer;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.OptionalInt;
import java.util.Random;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

@Timeout(value = 30, unit = TimeUnit.SECONDS)
class PieceSelectorTest {

    /** A selector that already holds chunks 0..3, so rarest-first applies from the first request. */
    private static PieceSelector<String> pastRandomStart(int chunks, long seed) {
        ChunkBitmap have = new ChunkBitmap(chunks);
        for (int i = 0; i < PieceSelector.RANDOM_FIRST; i++) {
            have.set(i);
        }
        return new PieceSelector<>(have, new Random(seed));
    }

    private static ChunkBitmap range(int chunks, int from, int to) {
        ChunkBitmap bitmap = new ChunkBitmap(chunks);
        for (int i = from; i < to; i++) {
            bitmap.set(i);
        }
        return bitmap;
    }

    @Test
    void rarestChunksComeFirst() {
        PieceSelector<String> selector = pastRandomStart(100, 1);
        selector.peerHas("a", ChunkBitmap.full(100));
        selector.peerHas("b", range(100, 0, 50));
        selector.peerHas("c", range(100, 0, 30));
        // availability: 4..29 -> 3 peers, 30..49 -> 2, 50..99 -> 1

        List<Integer> picked = new ArrayList<>();
        for (OptionalInt next = selector.next("a"); next.isPresent(); next = selector.next("a")) {
            picked.add(next.getAsInt());
            assertThat(selector.requested("a", next.getAsInt())).isTrue();
        }
        assertThat(picked).hasSize(96);
        assertThat(picked.subList(0, 50)).allSatisfy(c -> assertThat(c).isBetween(50, 99));
        assertThat(picked.subList(50, 70)).allSatisfy(c -> assertThat(c).isBetween(30, 49));
        assertThat(picked.subList(70, 96)).allSatisfy(c -> assertThat(c).isBetween(4, 29));
    }

    @Test
    void announcementsChangeWhatIsRarest() {
        PieceSelector<String> selector = pastRandomStart(10, 2);
        selector.peerHas("a", ChunkBitmap.full(10));
        selector.peerHas("b", range(10, 0, 10));
        selector.peerHasChunk("c", 7);
        selector.peerHasChunk("c", 7);
        // 7 now has three sources, every other missing chunk two; 5 loses one when b leaves
        selector.peerGone("b");
        selector.peerHasChunk("d", 5);
        for (int i = 0; i < 50; i++) {
            assertThat(selector.next("a").getAsInt()).isIn(4, 6, 8, 9);
        }
    }

    @Test
    void tiesAreBrokenUniformlyAtRandom() {
        PieceSelector<String> selector = pastRandomStart(100, 3);
        int[] has = {10, 11, 12, 13, 50, 90};
        ChunkBitmap bitmap = new ChunkBitmap(100);
        for (int c : has) {
            bitmap.set(c);
        }
        selector.peerHas("b", bitmap);
        Map<Integer, Integer> counts = new HashMap<>();
        int draws = 6000;
        for (int i = 0; i < draws; i++) {
            counts.merge(selector.next("b").getAsInt(), 1, Integer::sum);
        }
        assertThat(counts.keySet()).containsExactlyInAnyOrder(10, 11, 12, 13, 50, 90);
        // expected 1000 each; the standard deviation is ~29, so +-150 only fails on a real bias
        assertThat(counts.values()).allSatisfy(n -> assertThat(n).isBetween(850, 1150));
    }

    @Test
    void theFirstChunksAreRandomNotRarest() {
        PieceSelector<String> selector = new PieceSelector<>(new ChunkBitmap(100), new Random(4));
        selector.peerHas("a", ChunkBitmap.full(100));
        selector.peerHas("b", range(100, 0, 50));
        int common = 0;
        for (int i = 0; i < 2000; i++) {
            common += selector.next("a").getAsInt() < 50 ? 1 : 0;
        }
        // rarest-first would never pick 0..49 (two sources) over 50..99 (one)
        assertThat(common).isBetween(850, 1150);

        for (int c = 0; c < PieceSelector.RANDOM_FIRST; c++) {
            selector.requested("b", c);
            selector.received("b", c);
        }
        for (int i = 0; i < 200; i++) {
            assertThat(selector.next("a").getAsInt()).isBetween(50, 99);
        }
    }

    @Test
    void aPeerIsOnlyAskedForChunksItHasAndWeLack() {
        int chunks = 500;
        Random random = new Random(5);
        PieceSelector<Integer> selector = new PieceSelector<>(new ChunkBitmap(chunks), new Random(6));
        Map<Integer, ChunkBitmap> bitmaps = new HashMap<>();
        for (int p = 0; p < 6; p++) {
            ChunkBitmap bitmap = new ChunkBitmap(chunks);
            for (int c = 0; c < chunks; c++) {
                if (random.nextInt(4) == 0) {
                    bitmap.set(c);
                }
            }
            bitmaps.put(p, bitmap);
            selector.peerHas(p, bitmap);
        }
        Set<Integer> held = new HashSet<>();
        for (int round = 0; round < 2000; round++) {
            int peer = random.nextInt(6);
            OptionalInt next = selector.next(peer);
            if (next.isEmpty()) {
                continue;
            }
            int chunk = next.getAsInt();
            assertThat(bitmaps.get(peer).get(chunk))
                    .as("peer %d has chunk %d", peer, chunk)
                    .isTrue();
            assertThat(held).doesNotContain(chunk);
            selector.requested(peer, chunk);
            if (random.nextBoolean()) {
                selector.received(peer, chunk);
                held.add(chunk);
            } else if (random.nextBoolean()) {
                selector.failed(peer, chunk);
            }
        }
        assertThat(held).isNotEmpty();
    }

    @Test
    void endGameDuplicatesEachChunkAtMostOncePerPeerOldestFirst() {
        PieceSelector<String> selector = pastRandomStart(10, 7);
        for (String p : List.of("a", "b", "c")) {
            selector.peerHas(p, ChunkBitmap.full(10));
        }
        List<Integer> order = new ArrayList<>();
        for (OptionalInt next = selector.next("a"); next.isPresent(); next = selector.next("a")) {
            order.add(next.getAsInt());
            selector.requested("a", next.getAsInt());
        }
        assertThat(order).hasSize(6).doesNotHaveDuplicates();

        List<Integer> toB = drain(selector, "b");
        assertThat(toB).containsExactlyElementsOf(order);
        // each chunk now has two requests; c duplicates too, b and a are out of candidates
        assertThat(selector.next("a")).isEmpty();
        assertThat(selector.next("b")).isEmpty();
        assertThat(drain(selector, "c")).containsExactlyElementsOf(order);
        assertThat(selector.outstanding("a")).isEqualTo(6);
        assertThat(selector.outstanding("c")).isEqualTo(6);
    }

    @Test
    void endGamePrefersTheChunkWhoseLatestRequestIsOldest() {
        PieceSelector<String> selector = pastRandomStart(7, 8);
        for (String p : List.of("a", "b", "c")) {
            selector.peerHas(p, ChunkBitmap.full(7));
        }
        selector.requested("a", 4);
        selector.requested("a", 5);
        selector.requested("a", 6);
        selector.requested("b", 4); // 4 is now the most recently requested
        assertThat(selector.next("c")).hasValue(5);
        selector.requested("c", 5);
        assertThat(selector.next("c")).hasValue(6);
        selector.requested("c", 6);
        assertThat(selector.next("c")).hasValue(4);
    }

    @Test
    void noEndGameWhileSomeMissingChunkIsUnrequested() {
        PieceSelector<String> selector = pastRandomStart(6, 9);
        selector.peerHas("a", range(6, 0, 5));
        selector.peerHas("b", range(6, 0, 6));
        selector.requested("b", 4);
        // 5 is free but only b has it: a must not start duplicating 4 yet
        assertThat(selector.next("a")).isEmpty();
        assertThat(selector.next("b")).hasValue(5);
        selector.requested("b", 5);
        // now every missing chunk is requested: a may duplicate the one it has
        assertThat(selector.next("a")).hasValue(4);
        assertThat(selector.next("b")).isEmpty();
    }

    @Test
    void noEndGameWhileSomeMissingChunkIsHeldByNobodyYet() {
        // 4..9 missing; 8 and 9 are on no peer yet (a super-seeding seed has not shown them to anyone)
        PieceSelector<String> selector = pastRandomStart(10, 11);
        selector.peerHas("a", range(10, 0, 8));
        assertThat(drain(selector, "a")).containsExactlyInAnyOrder(4, 5, 6, 7);
        selector.peerHas("b", range(10, 0, 8));
        assertThat(selector.next("b"))
                .as("duplicates while chunks are still to come waste the downlink")
                .isEmpty();

        selector.peerHasChunk("b", 8);
        selector.peerHasChunk("b", 9);
        assertThat(drain(selector, "b")).containsExactlyInAnyOrder(8, 9, 4, 5, 6, 7);
    }

    @Test
    void receivedReturnsTheOtherPeersToCancelAndRetiresTheChunk() {
        PieceSelector<String> selector = pastRandomStart(5, 10);
        for (String p : List.of("a", "b", "c")) {
            selector.peerHas(p, ChunkBitmap.full(5));
        }
        selector.requested("a", 4);
        selector.requested("b", 4);
        selector.requested("c", 4);
        assertThat(selector.received("b", 4)).containsExactlyInAnyOrder("a", "c");
        assertThat(selector.outstanding("a")).isZero();
        assertThat(selector.next("a")).isEmpty();
        assertThat(selector.isComplete()).isTrue();
        assertThat(selector.received("a", 4)).isEmpty();
        assertThat(selector.requested("a", 4)).isFalse();
    }

    @Test
    void failedAndGonePeersReleaseTheirRequests() {
        PieceSelector<String> selector = pastRandomStart(6, 11);
        selector.peerHas("a", ChunkBitmap.full(6));
        selector.peerHas("b", ChunkBitmap.full(6));
        selector.requested("a", 4);
        selector.requested("a", 5);
        selector.failed("a", 4);
        assertThat(selector.outstanding("a")).isEqualTo(1);
        assertThat(selector.next("b")).hasValue(4); // free again, so not an end-game duplicate of 5
        selector.peerGone("a");
        Set<Integer> offered = new HashSet<>();
        for (int i = 0; i < 100; i++) {
            offered.add(selector.next("b").getAsInt());
        }
        assertThat(offered).containsExactlyInAnyOrder(4, 5);
        assertThat(selector.next("a")).isEmpty();
    }

    @Test
    void selectionIsCheapAt4096ChunksAnd16Peers() {
        long best = Long.MAX_VALUE;
        for (int run = 0; run < 5; run++) {
            best = Math.min(best, downloadAll(4096, 16, run));
        }
        // the brief: 4096 selections well under 100 ms
        assertThat(TimeUnit.NANOSECONDS.toMillis(best)).isLessThan(100);
    }

    /** Fetches a whole file, round-robin over peers that each have ~60% of it; returns the time. */
    private static long downloadAll(int chunks, int peerCount, long seed) {
        Random random = new Random(seed);
        PieceSelector<Integer> selector = new PieceSelector<>(new ChunkBitmap(chunks), new Random(seed));
        ChunkBitmap union = new ChunkBitmap(chunks);
        for (int p = 0; p < peerCount; p++) {
            ChunkBitmap bitmap = new ChunkBitmap(chunks);
            for (int c = 0; c < chunks; c++) {
                if (random.nextInt(10) < 6 || p == 0) {
                    bitmap.set(c);
                    union.set(c);
                }
            }
            selector.peerHas(p, bitmap);
        }
        long start = System.nanoTime();
        int selections = 0;
        for (int p = 0; !selector.isComplete(); p = (p + 1) % peerCount) {
            OptionalInt next = selector.next(p);
            if (next.isPresent()) {
                selections++;
                selector.requested(p, next.getAsInt());
                selector.received(p, next.getAsInt());
            }
        }
        long elapsed = System.nanoTime() - start;
        assertThat(selections).isEqualTo(chunks);
        return elapsed;
    }

    @Test
    void chunksReadFromALocalFileAreNotOfferedUntilReleasedAndThenOnlyIfStillMissing() {
        PieceSelector<String> selector = pastRandomStart(10, 7);
        selector.peerHas("a", ChunkBitmap.full(10));
        for (int c = 4; c < 9; c++) {
            selector.reserve(c); // being read from the previous version on this disk
        }
        assertThat(drain(selector, "a")).containsExactly(9);
        // no end game while chunks are being read here: 9 is not offered to a second peer yet
        selector.peerHas("c", ChunkBitmap.full(10));
        assertThat(drain(selector, "c")).isEmpty();
        // the local file had 4..7; 8 was not there after all and goes back to the peers
        for (int c = 4; c < 8; c++) {
            selector.received(null, c);
            selector.unreserve(c);
        }
        selector.unreserve(8);
        assertThat(drain(selector, "a")).containsExactly(8);
        selector.received("a", 8);
        // a reserved chunk whose request failed is not offered again while still reserved
        selector.reserve(9);
        selector.failed("a", 9);
        assertThat(drain(selector, "b")).isEmpty();
        selector.peerHas("b", ChunkBitmap.full(10));
        assertThat(drain(selector, "b")).isEmpty();
        selector.unreserve(9);
        assertThat(drain(selector, "b")).containsExactly(9);
    }

    @Test
    void theLastChunkReadLocallyCompletesTheVersionAndItsReleaseIsHarmless() {
        // a complete selector lets its state go; the local read's release comes after the arrival
        PieceSelector<String> selector = new PieceSelector<>(new ChunkBitmap(2), new Random(1));
        selector.reserve(0);
        selector.reserve(1);
        selector.received(null, 0);
        selector.unreserve(0);
        selector.received(null, 1);
        assertThat(selector.isComplete()).isTrue();
        selector.unreserve(1);
        selector.reserve(1);
        assertThat(selector.next("a")).isEmpty();
    }

    private static List<Integer> drain(PieceSelector<String> selector, String peer) {
        List<Integer> got = new ArrayList<>();
        for (OptionalInt next = selector.next(peer); next.isPresent(); next = selector.next(peer)) {
            got.add(next.getAsInt());
            selector.requested(peer, next.getAsInt());
        }
        return got;
    }

    @Test
    void aCompleteVersionKeepsNothingPerPeer() {
        PieceSelector<String> held = new PieceSelector<>(ChunkBitmap.full(8), new Random(1));
        held.peerHas("a", ChunkBitmap.full(8));
        held.peerHasChunk("b", 3);
        assertThat(held.peerCount()).isZero();
        assertThat(held.next("a")).isEmpty();
        assertThat(held.requested("a", 2)).isFalse();
        held.peerGone("a");

        // a download keeps its peers' holdings until its last chunk, then lets them go
        PieceSelector<String> fetched = new PieceSelector<>(new ChunkBitmap(2), new Random(1));
        fetched.peerHas("a", ChunkBitmap.full(2));
        fetched.peerHas("b", ChunkBitmap.full(2));
        assertThat(fetched.requested("a", 0)).isTrue();
        assertThat(fetched.requested("a", 1)).isTrue();
        assertThat(fetched.requested("b", 1)).isTrue();
        assertThat(fetched.received("a", 0)).isEmpty();
        assertThat(fetched.peerCount()).isEqualTo(2);
        assertThat(fetched.received("a", 1)).as("b is told to cancel").containsExactly("b");
        assertThat(fetched.isComplete()).isTrue();
        assertThat(fetched.peerCount()).isZero();
        assertThat(fetched.outstanding("b")).isZero();
        assertThat(fetched.requesters(1)).isZero();
        fetched.failed("b", 1);
        assertThat(fetched.received("b", 1)).isEmpty();
    }
}

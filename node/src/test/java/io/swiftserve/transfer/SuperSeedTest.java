package io.swiftserve.transfer;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.BitSet;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;

class SuperSeedTest {
    private static final int CHUNKS = 64;
    private static final int CHUNK_SIZE = ChunkLayout.MIN_CHUNK_SIZE;
    private final AtomicLong clock = new AtomicLong(1_000_000_000L);

    @Test
    void eachPeerSeesADifferentFewChunksAndAnotherForEachItAnnounces() {
        SuperSeed<String> seed = new SuperSeed<>(CHUNKS, CHUNK_SIZE, new SplittableRandom(1), clock::get);
        BitSet a = seed.show("a", new ChunkBitmap(CHUNKS));
        BitSet b = seed.show("b", new ChunkBitmap(CHUNKS));
        assertThat(a.cardinality()).isEqualTo(SuperSeed.SHOWN_PER_PEER);
        assertThat(b.cardinality()).isEqualTo(SuperSeed.SHOWN_PER_PEER);
        assertThat(a.intersects(b)).as("no chunk shown to two peers").isFalse();

        int got = a.nextSetBit(0);
        List<Integer> more = seed.peerHas("a", got);
        assertThat(more).hasSize(1);
        assertThat(a.get(more.get(0)) || b.get(more.get(0))).isFalse();
        assertThat(seed.peerHas("a", got)).as("the same announcement twice").isEmpty();

        int notShownToA = b.nextSetBit(0);
        assertThat(seed.peerHas("a", notShownToA))
                .as("a chunk a got from b earns nothing")
                .isEmpty();
    }

    @Test
    void theSeedShowsEveryChunkAboutOnceThenEnds() {
        SuperSeed<String> seed = new SuperSeed<>(CHUNKS, CHUNK_SIZE, new SplittableRandom(2), clock::get);
        Map<String, BitSet> pending = new HashMap<>();
        int shownTotal = 0;
        for (String p : List.of("a", "b", "c")) {
            BitSet v = seed.show(p, new ChunkBitmap(CHUNKS));
            pending.put(p, v);
            shownTotal += v.cardinality();
        }
        // peers fetch what they were shown, one at a time, round robin
        while (!seed.isDone()) {
            for (String p : List.of("a", "b", "c")) {
                BitSet mine = pending.get(p);
                int c = mine.nextSetBit(0);
                if (c < 0) {
                    continue;
                }
                mine.clear(c);
                for (int next : seed.peerHas(p, c)) {
                    mine.set(next);
                    shownTotal++;
                }
            }
        }
        assertThat(shownTotal).as("chunks shown by the seed in all").isEqualTo(CHUNKS);
    }

    @Test
    void itEndsOnlyWhenSomePeerHoldsEveryChunk() {
        SuperSeed<String> seed = new SuperSeed<>(8, CHUNK_SIZE, new SplittableRandom(4), clock::get);
        BitSet a = seed.show("a", new ChunkBitmap(8));
        assertThat(a.cardinality()).isEqualTo(8);
        for (int c = 0; c < 7; c++) {
            seed.peerHas("a", c);
        }
        assertThat(seed.isDone())
                .as("everything shown, one chunk still on its way")
                .isFalse();
        seed.peerHas("a", 7);
        assertThat(seed.isDone()).isTrue();
    }

    @Test
    void chunksAPeerAlreadyHoldsAreNeverShownAndAGonePeersChunksReturnToThePool() {
        SuperSeed<String> seed = new SuperSeed<>(8, CHUNK_SIZE, new SplittableRandom(3), clock::get);
        ChunkBitmap holds = new ChunkBitmap(8);
        for (int c = 0; c < 6; c++) {
            holds.set(c);
        }
        BitSet a = seed.show("a", holds);
        assertThat(a.stream().boxed().toList()).containsExactlyInAnyOrder(6, 7);

        seed.peerGone("a");
        assertThat(seed.show("b", new ChunkBitmap(8)).stream().boxed().toList()).containsExactlyInAnyOrder(6, 7);
    }

    @Test
    void aPeerThatMakesNoProgressGivesItsChunksToOthers() {
        SuperSeed<String> seed = new SuperSeed<>(16, CHUNK_SIZE, new SplittableRandom(5), clock::get);
        BitSet a = seed.show("a", new ChunkBitmap(16));
        BitSet b = seed.show("b", new ChunkBitmap(16));
        assertThat(a.cardinality() + b.cardinality()).isEqualTo(16);
        clock.addAndGet(SuperSeed.STALL_NANOS);
        seed.peerHas("b", b.nextSetBit(0)); // b progresses, a stalls
        assertThat(seed.rebalance()).as("nothing stalled yet").isEmpty();

        clock.addAndGet(3_000_000_000L); // a: silent for longer than the stall limit (10 s + 1 s for 256 KiB chunks)
        Map<String, List<Integer>> moved = seed.rebalance();
        assertThat(moved).containsOnlyKeys("b");
        assertThat(moved.get("b")).isNotEmpty().allMatch(a::get);

        assertThat(seed.rebalance())
                .as("the stalled peer is shown nothing more")
                .doesNotContainKey("a");
        assertThat(seed.peerHas("a", a.nextSetBit(0)))
                .as("until it announces a chunk again")
                .isNotEmpty();
    }
}

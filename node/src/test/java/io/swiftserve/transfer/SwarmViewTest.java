package io.swiftserve.transfer;

import static org.assertj.core.api.Assertions.assertThat;

import io.swiftserve.chain.Hash;
import io.swiftserve.identity.NodeId;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;

class SwarmViewTest {
    private final Hash file = Hash.of(new byte[32]);
    private final NodeId seed = NodeId.of(new byte[32]);
    private final SwarmView view = new SwarmView();

    @Test
    void aPeerThatHoldsMoreThanItShowsIsSuperSeedingUntilItShowsAll() {
        ChunkBitmap shown = new ChunkBitmap(100);
        shown.set(7);
        view.put(file, seed, shown);
        assertThat(view.superSeeding(file, seed)).isFalse();

        view.claim(file, seed, 100);
        assertThat(view.superSeeding(file, seed)).isTrue();
        assertThat(view.held(file, seed, shown))
                .as("progress counts what it holds, not what it shows")
                .isEqualTo(100);

        view.claim(file, seed, 0);
        assertThat(view.superSeeding(file, seed)).isFalse();
        assertThat(view.held(file, seed, shown)).isEqualTo(1);
    }

    @Test
    void forgettingAFileForgetsWhoSuperSeedsIt() {
        view.claim(file, seed, 100);
        view.forget(file);
        assertThat(view.superSeeding(file, seed)).isFalse();
    }

    private static NodeId peer(int n) {
        byte[] b = new byte[32];
        b[0] = (byte) n;
        b[1] = 1;
        return NodeId.of(b);
    }

    @Test
    void peersHoldingAWholeFileShareItsOneFullBitmap() {
        for (int n = 0; n < 70; n++) {
            view.put(file, peer(n), ChunkBitmap.full(10));
        }
        ChunkBitmap partial = new ChunkBitmap(10);
        partial.set(3);
        view.put(file, peer(70), partial);

        assertThat(view.bitmap(file, peer(69)).orElseThrow())
                .as("one bitmap for every whole holder, not one each")
                .isSameAs(view.bitmap(file, peer(0)).orElseThrow());
        assertThat(view.bitmap(file, peer(70)).orElseThrow()).isSameAs(partial);
        assertThat(view.holds(file)).hasSize(71).containsEntry(peer(65), 10).containsEntry(peer(70), 1);

        // the part-way peer completes by HAVEs and joins the whole ones; a whole peer can still go back
        for (int i = 0; i < 10; i++) {
            assertThat(view.add(file, peer(70), i)).isTrue();
        }
        assertThat(view.bitmap(file, peer(70)).orElseThrow())
                .isSameAs(view.bitmap(file, peer(0)).orElseThrow());
        view.put(file, peer(0), new ChunkBitmap(10));
        assertThat(view.holds(file)).containsEntry(peer(0), 0).containsEntry(peer(70), 10);
        assertThat(view.add(file, peer(71), 0)).as("no bitmap from that peer").isFalse();
        assertThat(view.add(file, peer(1), 10)).as("out of range").isFalse();
    }

    @Test
    void smallVersionsShareOneFullBitmapOfTheirChunkCount() {
        Hash other = Hash.of(new byte[] {
            1, 2, 3, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0
        });
        view.put(file, peer(1), ChunkBitmap.full(1));
        view.put(other, peer(2), ChunkBitmap.full(1));
        assertThat(view.bitmap(other, peer(2)).orElseThrow())
                .isSameAs(view.bitmap(file, peer(1)).orElseThrow());

        view.put(file, peer(3), ChunkBitmap.full(2)); // a peer's bitmap of another size is its own
        assertThat(view.bitmap(file, peer(3)).orElseThrow().chunkCount()).isEqualTo(2);
        assertThat(view.bitmap(file, peer(1)).orElseThrow().chunkCount()).isEqualTo(1);

        Hash big = Hash.of(new byte[] {
            4, 5, 6, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0
        });
        Hash big2 = Hash.of(new byte[] {
            7, 8, 9, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0
        });
        view.put(big, peer(1), ChunkBitmap.full(1000));
        view.put(big2, peer(1), ChunkBitmap.full(1000));
        assertThat(view.bitmap(big, peer(1)).orElseThrow())
                .as("not shared across versions beyond 64 chunks: a peer could make the view keep one of every size")
                .isNotSameAs(view.bitmap(big2, peer(1)).orElseThrow());
    }

    @Test
    void onlyCountsThatChangedAreSaved() {
        view.put(file, peer(1), ChunkBitmap.full(4));
        view.put(file, peer(2), new ChunkBitmap(4));
        assertThat(view.changedHolds(Set.of(file))).isEqualTo(Map.of(file, Map.of(peer(1), 4, peer(2), 0)));
        assertThat(view.changedHolds(Set.of(file))).isEmpty();

        view.put(file, peer(1), ChunkBitmap.full(4)); // a reconnect's HaveComplete
        view.add(file, peer(1), 2);
        assertThat(view.changedHolds(Set.of(file))).as("nothing new").isEmpty();

        view.add(file, peer(2), 2);
        assertThat(view.changedHolds(Set.of())).as("not in the ledger yet").isEmpty();
        assertThat(view.changedHolds(Set.of(file))).isEqualTo(Map.of(file, Map.of(peer(2), 1)));
    }

    @Test
    void savedCountsShowUntilThePeerSpeaksAndAreNotWrittenAgainUnchanged() {
        view.restore(file, Map.of(peer(1), 4, peer(2), 3));
        assertThat(view.knows(file))
                .as("restored counts are not what a peer said")
                .isFalse();
        assertThat(view.holds(file)).isEqualTo(Map.of(peer(1), 4, peer(2), 3));

        view.put(file, peer(1), ChunkBitmap.full(4));
        ChunkBitmap two = new ChunkBitmap(4);
        two.set(0);
        two.set(1);
        view.put(file, peer(2), two);
        assertThat(view.holds(file)).isEqualTo(Map.of(peer(1), 4, peer(2), 2));
        assertThat(view.changedHolds(Set.of(file)))
                .as("peer 1 said what was saved")
                .isEqualTo(Map.of(file, Map.of(peer(2), 2)));
    }
}

package io.swiftserve.transfer;

import static org.assertj.core.api.Assertions.assertThat;

import io.swiftserve.chain.Hash;
import io.swiftserve.identity.NodeId;
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
}

package io.swiftserve.chain;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.swiftserve.store.InMemoryStore;
import io.swiftserve.store.Segment;
import io.swiftserve.store.StoreException;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;

/** A store written by another chain format is refused with a sentence, not misread. */
class ChainFormatTest {
    private final ChainFixture f = new ChainFixture();

    @Test
    void aChainOfTheCurrentFormatOpensAndOneOfTheFirstFormatIsRefused() {
        InMemoryStore store = new InMemoryStore();
        f.newChain(store);
        assertThat(Blockchain.open(store, f.clock)).isPresent();

        // a format-1 store has no format marker
        store.batch()
                .delete(Segment.META, "chain-format".getBytes(StandardCharsets.US_ASCII))
                .commit();
        assertThatThrownBy(() -> Blockchain.open(store, f.clock))
                .isInstanceOf(StoreException.class)
                .hasMessageContaining("chain of format 1")
                .hasMessageContaining("reads format " + Blockchain.FORMAT);
    }
}

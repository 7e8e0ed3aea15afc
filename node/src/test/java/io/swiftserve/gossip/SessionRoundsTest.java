package io.swiftserve.gossip;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** Which surplus sessions a node sheds first: the ones that moved the fewest chunk bytes since its last round. */
class SessionRoundsTest {
    @Test
    void idleSessionsAreShedBeforeOnesCarryingChunksAndTiesKeepTheShuffledOrder() {
        Map<String, Long> moved = Map.of("busy", 5L << 20, "idle", 0L, "trickle", 1024L, "alsoIdle", 0L);
        List<String> shuffled = List.of("busy", "idle", "trickle", "alsoIdle");

        List<String> order = SessionRounds.quietestFirst(shuffled, moved::get);

        assertThat(order).containsExactly("idle", "alsoIdle", "trickle", "busy");
        assertThat(order.subList(0, 2))
                .as("two surplus sessions to shed while a file moves")
                .doesNotContain("busy");
    }
}

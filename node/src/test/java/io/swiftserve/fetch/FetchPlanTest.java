package io.swiftserve.fetch;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** The fetch scheduler alone: batches, pipelining, reassignment on loss and stall, work stealing, end game. */
@Timeout(value = 10, unit = TimeUnit.SECONDS)
class FetchPlanTest {
    private static final long S = 1_000_000_000L;

    @Test
    void handsOutTwoBatchesOfConsecutiveChunksPerWorkerThenRefillsAfterOneBatch() {
        FetchPlan<String> plan = new FetchPlan<>(40, 4, 10 * S);
        plan.addWorker("a", 0);
        plan.addWorker("b", 0);
        var a = plan.plan(0);
        assertThat(a.assign().get("a")).containsExactly(0, 1, 2, 3, 4, 5, 6, 7);
        assertThat(a.assign().get("b")).containsExactly(8, 9, 10, 11, 12, 13, 14, 15);
        assertThat(plan.plan(0).isEmpty()).isTrue();
        for (int i = 0; i < 3; i++) {
            plan.received("a", i, 1);
        }
        assertThat(plan.plan(1).isEmpty())
                .as("5 outstanding > one batch: no refill yet")
                .isTrue();
        plan.received("a", 3, 1);
        assertThat(plan.plan(1).assign().get("a")).containsExactly(16, 17, 18, 19);
    }

    @Test
    void aWorkerThatLeavesOrFailsLosesItsChunksToTheOthers() {
        FetchPlan<String> plan = new FetchPlan<>(8, 2, 10 * S);
        plan.addWorker("a", 0);
        plan.addWorker("b", 0);
        plan.plan(0);
        plan.received("b", 4, 1);
        plan.retire("b", FetchPlan.GONE, "disconnected");
        plan.received("a", 0, 1);
        plan.received("a", 1, 1);
        var next = plan.plan(2);
        assertThat(next.assign().get("a")).containsExactly(5, 6);
        assertThat(plan.stuck()).isFalse();
        plan.retire("a", FetchPlan.FAILED, "HTTP 500");
        assertThat(plan.stuck()).isTrue();
        assertThat(plan.lastFailure()).isEqualTo("HTTP 500");
    }

    @Test
    void aStalledWorkerIsRetiredButHeartbeatsKeepItAlive() {
        FetchPlan<String> plan = new FetchPlan<>(8, 2, 5 * S);
        plan.addWorker("a", 0);
        plan.addWorker("b", 0);
        plan.plan(0);
        plan.progress("a", 1000, 4 * S);
        assertThat(plan.stalled(6 * S)).containsExactly("b");
        assertThat(plan.workers().get("b").state).isEqualTo(FetchPlan.STALLED);
        assertThat(plan.plan(6 * S).assign()).isEmpty();
        plan.received("a", 0, 6 * S);
        plan.received("a", 1, 6 * S);
        assertThat(plan.plan(6 * S).assign().get("a")).containsExactly(4, 5);
    }

    @Test
    void idleWorkersStealTheTailThenDuplicateTheLastChunksAndEveryChunkIsDoneOnce() {
        FetchPlan<String> plan = new FetchPlan<>(12, 2, 60 * S);
        plan.addWorker("fast", 0);
        plan.addWorker("slow", 0);
        plan.addWorker("other", 0);
        plan.plan(0); // fast 0-3, slow 4-7, other 8-11
        for (int i : List.of(0, 1, 2, 3)) {
            plan.received("fast", i, 1);
        }
        var steal = plan.plan(1);
        assertThat(steal.cancel())
                .containsKey(steal.cancel().keySet().iterator().next());
        String victim = steal.cancel().keySet().iterator().next();
        assertThat(steal.cancel().get(victim)).hasSize(2);
        assertThat(steal.assign().get("fast"))
                .containsExactlyElementsOf(steal.cancel().get(victim));

        // run everything to the end; count how often each chunk is handed out
        Set<Integer> done = new HashSet<>(List.of(0, 1, 2, 3));
        List<Integer> handedOut = new ArrayList<>();
        long now = 2;
        for (int round = 0; round < 50 && !plan.complete(); round++, now++) {
            for (var w : plan.workers().entrySet()) {
                if (w.getKey().equals("slow")) {
                    continue; // never delivers: the others must finish without it
                }
                List<Integer> mine = new ArrayList<>(w.getValue().assigned);
                if (!mine.isEmpty()) {
                    int i = mine.get(0);
                    List<String> others = plan.received(w.getKey(), i, now);
                    if (others != null) {
                        assertThat(done.add(i)).isTrue();
                    }
                }
            }
            plan.plan(now).assign().values().forEach(handedOut::addAll);
        }
        assertThat(plan.complete()).isTrue();
        assertThat(done).hasSize(12);
    }
}

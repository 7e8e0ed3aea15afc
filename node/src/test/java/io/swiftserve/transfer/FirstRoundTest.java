package io.swiftserve.transfer;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class FirstRoundTest {
    private static final long T0 = 1_000_000_000L;
    private static final long STEP = FirstRound.STEP_NANOS;

    @Test
    void eachNewPeerStartsOneStepAfterThePeerBeforeIt() {
        FirstRound<String> round = new FirstRound<>();
        assertThat(round.startAt("a", T0)).isEqualTo(T0);
        assertThat(round.startAt("b", T0 + 1_000)).isEqualTo(T0 + STEP);
        assertThat(round.startAt("c", T0 + 2_000)).isEqualTo(T0 + 2 * STEP);
    }

    @Test
    void aPeerKeepsItsTurnForEveryLaterRequest() {
        FirstRound<String> round = new FirstRound<>();
        round.startAt("a", T0);
        long b = round.startAt("b", T0);
        assertThat(round.startAt("b", T0 + 10 * STEP)).isEqualTo(b);
        assertThat(round.startAt("a", T0 + 10 * STEP)).isEqualTo(T0);
    }

    @Test
    void aPeerAskingAfterItsTurnWouldHaveComeIsServedAtOnce() {
        FirstRound<String> round = new FirstRound<>();
        round.startAt("a", T0);
        long late = T0 + 50 * STEP;
        assertThat(round.startAt("b", late)).isEqualTo(late);
    }
}

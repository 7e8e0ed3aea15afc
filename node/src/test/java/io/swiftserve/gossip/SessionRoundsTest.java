package io.swiftserve.gossip;

import static org.assertj.core.api.Assertions.assertThat;

import io.swiftserve.net.NetTestAccess;
import io.swiftserve.net.PeerSession;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** What the overlay's rounds remember of the sessions: which stayed open, how old each is, what each moved. */
class SessionRoundsTest {
    private final SessionRounds rounds = new SessionRounds();

    @Test
    void onlyPeersWhoseSessionOutlastedARoundAreReported() {
        PeerSession a = NetTestAccess.memberSession(true);
        PeerSession b = NetTestAccess.memberSession(false);
        PeerSession c = NetTestAccess.memberSession(false);

        assertThat(rounds.round(0, List.of(a), List.of(b)))
                .as("nothing was open before")
                .isEmpty();
        assertThat(rounds.round(1_000, List.of(a), List.of(b, c))).containsExactlyInAnyOrder(a.peer(), b.peer());
        // c came up at the second round and is reported from the third on; a and b closed in between
        assertThat(rounds.round(2_000, List.of(), List.of(c))).containsExactly(c.peer());
    }

    @Test
    void settledSessionsAreShedFewestChunkBytesSinceTheLastRoundFirst() {
        PeerSession busy = NetTestAccess.memberSession(false);
        PeerSession veteran = NetTestAccess.memberSession(false);
        PeerSession trickle = NetTestAccess.memberSession(false);
        veteran.bytesOut().addAndGet(100L << 20); // moved a lot, all of it before the first round
        rounds.round(0, List.of(), List.of(busy, veteran, trickle));
        busy.bytesIn().addAndGet(5L << 20);
        trickle.bytesOut().addAndGet(1024);
        PeerSession young = NetTestAccess.memberSession(false);
        rounds.round(1_000, List.of(), List.of(busy, veteran, trickle, young));

        assertThat(rounds.sheddable(List.of(busy, trickle, young, veteran), 1_000, 500))
                .as("settled after 0.5 s: not the young session; idle since the last round first")
                .containsExactly(veteran, trickle, busy);
    }

    @Test
    void tiesKeepTheShuffledOrder() {
        Map<String, Long> moved = Map.of("busy", 5L << 20, "idle", 0L, "trickle", 1024L, "alsoIdle", 0L);

        assertThat(SessionRounds.quietestFirst(List.of("busy", "idle", "trickle", "alsoIdle"), moved::get))
                .containsExactly("idle", "alsoIdle", "trickle", "busy");
    }
}

package io.swiftserve.chain;

import static org.assertj.core.api.Assertions.assertThat;

import io.swiftserve.identity.NodeId;
import io.swiftserve.identity.NodeKey;
import io.swiftserve.store.InMemoryStore;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;
import java.util.stream.IntStream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * A transaction that returns to every pool after a reorg is sealed at once only by the node that
 * originated it (or sealed the dropped block); the others take turns, one member first, so the
 * fleet does not seal it all at the same tick and fork again.
 */
@Timeout(30)
class SealTurnTest {
    private static final long GRACE = 3_000;
    private static final long SLOT = 1_000;

    @Test
    void oneMemberHasTheFirstTurnAndTheTurnsDouble() {
        List<NodeId> members =
                IntStream.range(0, 64).mapToObj(i -> NodeKey.generate().id()).toList();
        Hash tx = Hash.sha256(new byte[] {1, 2, 3});
        Map<Long, Long> byDelay = members.stream()
                .collect(Collectors.groupingBy(
                        m -> SealTurn.delayMs(tx, m, members, GRACE, SLOT), Collectors.counting()));
        assertThat(byDelay)
                .containsExactlyInAnyOrderEntriesOf(Map.of(
                        GRACE,
                        1L,
                        GRACE + SLOT,
                        1L,
                        GRACE + 2 * SLOT,
                        2L,
                        GRACE + 3 * SLOT,
                        4L,
                        GRACE + 4 * SLOT,
                        8L,
                        GRACE + 5 * SLOT,
                        16L,
                        GRACE + 6 * SLOT,
                        32L));
        assertThat(SealTurn.delayMs(tx, NodeKey.generate().id(), members, GRACE, SLOT))
                .as("not a member")
                .isEqualTo(Long.MAX_VALUE);
    }

    @Test
    void aTransactionBackFromAReorgIsSealedAtOnceByItsOriginOnlyThenByOneMemberAtATime() {
        ChainFixture f = new ChainFixture();
        List<NodeKey> keys = new ArrayList<>(List.of(f.founder));
        IntStream.range(0, 7).forEach(i -> keys.add(NodeKey.generate()));
        NodeKey origin = keys.get(1);
        NodeKey winner = keys.get(2);
        Transaction[] joins = keys.subList(1, keys.size()).stream()
                .map(k -> f.join(f.founder, k))
                .toArray(Transaction[]::new);
        Block p1 = f.seal(f.founder, f.genesis, joins);
        Transaction added = f.fileAdd(origin, "data/one.bin", 1);
        Block lost = f.seal(origin, p1, added);
        Block w1 = f.sealLosingTieTo(lost, winner, p1, f.fileAdd(winner, "data/other.bin", 1));
        Block w2 = f.seal(winner, w1, f.fileAdd(winner, "data/third.bin", 1));

        List<TransactionPool> pools = new ArrayList<>();
        for (NodeKey k : keys) {
            Blockchain chain = f.newChain(new InMemoryStore());
            pools.add(new TransactionPool(new InMemoryStore(), chain, f.clock, k.id()));
            ChainFixture.importAll(chain, List.of(p1, lost, w1));
            assertThat(chain.importBlock(w2).status()).isEqualTo(ImportResult.Status.REORGED);
        }
        assertThat(pools).allSatisfy(p -> assertThat(p.contains(added.id())).isTrue());

        assertThat(sealers(pools, keys)).as("at once").containsExactly(origin.id());
        List<NodeId> ids = keys.stream().map(NodeKey::id).toList();
        for (long elapsed = GRACE; elapsed <= GRACE + 3 * SLOT; elapsed += SLOT) {
            f.clock.advance(Duration.ofMillis(elapsed == GRACE ? GRACE : SLOT));
            long now = elapsed;
            List<NodeId> inTurn = ids.stream()
                    .filter(id -> id.equals(origin.id()) || SealTurn.delayMs(added.id(), id, ids, GRACE, SLOT) <= now)
                    .toList();
            assertThat(sealers(pools, keys))
                    .as("%d ms after the reorg", elapsed)
                    .containsExactlyInAnyOrderElementsOf(inTurn);
            // rank r waits ceil(log2(r + 1)) slots: at most 2^k others may seal k slots after the grace period
            assertThat(inTurn.size() - 1).isLessThanOrEqualTo(1 << ((elapsed - GRACE) / SLOT));
        }
        assertThat(sealers(pools, keys))
                .as("three slots later every member of eight may seal")
                .hasSize(keys.size());
    }

    private static List<NodeId> sealers(List<TransactionPool> pools, List<NodeKey> keys) {
        List<NodeId> out = new ArrayList<>();
        for (int i = 0; i < pools.size(); i++) {
            if (pools.get(i).sealable(GRACE, SLOT)) {
                out.add(keys.get(i).id());
            }
        }
        return out;
    }
}

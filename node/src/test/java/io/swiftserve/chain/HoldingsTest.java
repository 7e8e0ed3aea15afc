package io.swiftserve.chain;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.swiftserve.chain.ImportResult.Status;
import io.swiftserve.identity.NodeKey;
import io.swiftserve.store.InMemoryStore;
import java.time.Duration;
import java.util.BitSet;
import java.util.List;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** Delivery records: the run-length form, the chain's rules for a record, and the audit read back from the chain. */
@Timeout(60)
class HoldingsTest {
    private final ChainFixture f = new ChainFixture();
    private final NodeKey founder = f.founder;
    private final NodeKey b = NodeKey.generate();
    private Blockchain chain;

    @BeforeEach
    void setUp() {
        chain = f.newChain(new InMemoryStore());
        f.extend(chain, founder, f.join(founder, b));
    }

    private Transaction record(NodeKey who, boolean... held) {
        Block head = chain.head();
        List<FileEntry> files = chain.state().files();
        assertThat(files).hasSize(held.length);
        BitSet bits = new BitSet();
        for (int i = 0; i < held.length; i++) {
            bits.set(i, held[i]);
        }
        return f.txs(who).holdings(head.hash(), head.height(), HeldSet.filesHash(files), HeldSet.of(bits, held.length));
    }

    @Test
    void runsRoundTripAndStayCompact() throws InvalidException {
        BitSet bits = new BitSet();
        bits.set(0, 10_000);
        bits.clear(5_000);
        HeldSet set = HeldSet.of(bits, 10_000);
        assertThat(set.runs()).containsExactly(5_000, 1, 4_999);
        HeldSet back = HeldSet.fromRuns(set.runs());
        assertThat(back.versions()).isEqualTo(10_000);
        assertThat(back.heldCount()).isEqualTo(9_999);
        assertThat(back.holds(5_000)).isFalse();
        assertThat(back.holds(9_999)).isTrue();

        BitSet none = new BitSet();
        none.set(1);
        assertThat(HeldSet.of(none, 3).runs())
                .as("the first run is of held versions, here none")
                .containsExactly(0, 1, 1, 1);
        assertThat(HeldSet.of(new BitSet(), 0).runs()).isEmpty();
    }

    @Test
    void aRecordOfTenThousandVersionsInAFewRunsIsAFewHundredBytes() {
        BitSet bits = new BitSet();
        bits.set(0, 10_000);
        bits.clear(1_234);
        Block head = chain.head();
        Transaction tx =
                f.txs(b).holdings(head.hash(), head.height(), Hash.sha256(new byte[0]), HeldSet.of(bits, 10_000));
        assertThat(tx.encodedSize()).isLessThan(260);
    }

    @Test
    void tooManyRunsOrVersionsAreRefused() {
        List<Integer> runs = java.util.Collections.nCopies(HeldSet.MAX_RUNS + 1, 1);
        assertThatThrownBy(() -> HeldSet.fromRuns(runs)).hasMessageContaining("more than " + HeldSet.MAX_RUNS);
        assertThatThrownBy(() -> HeldSet.fromRuns(List.of(-1, -1, -1)))
                .as("run lengths are unsigned: three of 2^32 - 1")
                .hasMessageContaining("holdings over");
    }

    @Test
    void aMemberRecordsAtMostOnceAnHour() {
        f.extend(chain, founder, f.fileAdd(founder, "a.bin", 1));
        f.extend(chain, founder, record(b, true));
        assertThat(chain.state().lastHoldingsMs(b.id())).isPresent();

        Transaction tooSoon = record(b, false);
        ImportResult r = chain.importBlock(f.seal(founder, chain.head(), tooSoon));
        assertThat(r.status()).isEqualTo(Status.INVALID);
        assertThat(r.reason()).contains("less than an hour before");

        f.clock.advance(Duration.ofMinutes(61));
        f.extend(chain, founder, record(b, false));
        assertThat(chain.state().lastHoldingsMs(b.id()))
                .contains(chain.head().header().timestampMs());
    }

    @Test
    void aStrangerMayNotRecord() {
        NodeKey stranger = NodeKey.generate();
        ImportResult r = chain.importBlock(f.seal(founder, chain.head(), record(stranger)));
        assertThat(r.status()).isEqualTo(Status.INVALID);
        assertThat(r.reason()).contains("is not a member");
    }

    @Test
    void theAuditTellsWhoHeldWhatSinceWhenAndWhenItStopped() {
        f.extend(chain, founder, f.fileAdd(founder, "a.bin", 1), f.fileAdd(founder, "b.bin", 1));
        f.extend(chain, founder, record(founder, true, true), record(b, false, true));
        long first = chain.head().header().timestampMs();
        Hash a1 = chain.state().file("a.bin").orElseThrow().fileId();

        f.clock.advance(Duration.ofHours(2));
        f.extend(chain, founder, record(b, true, true));
        long second = chain.head().header().timestampMs();

        f.clock.advance(Duration.ofHours(2));
        f.extend(chain, founder, f.fileAdd(founder, "a.bin", 2));
        f.extend(chain, founder, record(b, false, true));
        long third = chain.head().header().timestampMs();

        HoldingsAudit.Result r = HoldingsAudit.run(chain);
        assertThat(r.records()).isEqualTo(4);
        assertThat(r.refused()).isZero();
        assertThat(r.held())
                .filteredOn(
                        h -> h.member().equals(b.id()) && h.version().fileId().equals(a1))
                .singleElement()
                .satisfies(h -> {
                    assertThat(h.sinceMs()).isEqualTo(second);
                    assertThat(h.lastRecordedMs()).isEqualTo(second);
                    assertThat(h.untilMs()).as("a.bin v1 left the ledger").isEqualTo(third);
                });
        assertThat(r.held())
                .filteredOn(h -> h.member().equals(b.id()) && h.version().path().equals("b.bin"))
                .singleElement()
                .satisfies(h -> {
                    assertThat(h.sinceMs()).isEqualTo(first);
                    assertThat(h.lastRecordedMs()).isEqualTo(third);
                    assertThat(h.untilMs()).isNull();
                });
        assertThat(r.members())
                .filteredOn(m -> m.member().equals(b.id()))
                .singleElement()
                .satisfies(m -> {
                    assertThat(m.held()).isEqualTo(1);
                    assertThat(m.versions()).isEqualTo(2);
                });
    }

    @Test
    void aRecordWhoseFileSetDoesNotMatchItsBlockIsNotBelieved() {
        f.extend(chain, founder, f.fileAdd(founder, "a.bin", 1));
        Block head = chain.head();
        BitSet all = new BitSet();
        all.set(0);
        Transaction lying =
                f.txs(b).holdings(head.hash(), head.height(), Hash.sha256(new byte[] {1}), HeldSet.of(all, 1));
        f.extend(chain, founder, lying);

        HoldingsAudit.Result r = HoldingsAudit.run(chain);
        assertThat(r.records()).isEqualTo(1);
        assertThat(r.refused()).isEqualTo(1);
        assertThat(r.held()).isEmpty();
    }
}

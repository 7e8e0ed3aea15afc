package io.swiftserve.chain;

import static org.assertj.core.api.Assertions.assertThat;

import io.swiftserve.chain.ImportResult.Status;
import io.swiftserve.store.InMemoryStore;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** {@code locator()} and {@code blocksAfter()}: what a peer on a fork gets when it asks us for blocks. */
@Timeout(60)
class ChainSyncTest {
    private final ChainFixture f = new ChainFixture();
    private Blockchain ours;
    private Blockchain peer;
    private final List<Block> fork = new ArrayList<>();

    /** Ours: 20 blocks. The peer shares the first 12, then sealed 3 of its own. */
    @BeforeEach
    void setUp() {
        ours = f.newChain(new InMemoryStore());
        peer = f.newChain(new InMemoryStore());
        for (int i = 1; i <= 20; i++) {
            Block b = f.extend(ours, f.founder, f.fileAdd(f.founder, "main/" + i, 1));
            if (i <= 12) {
                assertThat(peer.importBlock(b).status()).isEqualTo(Status.EXTENDED);
            }
        }
        for (int i = 13; i <= 15; i++) {
            fork.add(f.extend(peer, f.founder, f.fileAdd(f.founder, "fork/" + i, 1)));
        }
    }

    private List<Hash> ourHashes(long fromHeight, long toHeight) {
        List<Hash> out = new ArrayList<>();
        for (long h = fromHeight; h <= toHeight; h++) {
            out.add(ours.blockAt(h).orElseThrow().hash());
        }
        return out;
    }

    private static List<Hash> hashes(List<Block> blocks) {
        return blocks.stream().map(Block::hash).toList();
    }

    @Test
    void locatorListsTheMainChainNewestFirstAndEndsWithGenesis() {
        List<Hash> locator = peer.locator();
        assertThat(locator.get(0)).isEqualTo(fork.get(2).hash());
        assertThat(locator.get(locator.size() - 1)).isEqualTo(f.genesis.hash());
        List<Long> heights =
                locator.stream().map(h -> peer.block(h).orElseThrow().height()).toList();
        assertThat(heights.subList(0, 9)).containsExactly(15L, 14L, 13L, 12L, 11L, 10L, 9L, 8L, 7L);
        assertThat(heights).isSortedAccordingTo((x, y) -> Long.compare(y, x)).doesNotHaveDuplicates();
        locator.forEach(
                h -> assertThat(peer.onMainChain(peer.block(h).orElseThrow())).isTrue());
    }

    @Test
    void locatorOfALongChainIsShortAndSpacedExponentially() {
        for (int i = 0; i < 200; i++) {
            f.extend(ours, f.founder, f.fileAdd(f.founder, "more/" + i, 1));
        }
        List<Hash> locator = ours.locator();
        List<Long> heights =
                locator.stream().map(h -> ours.block(h).orElseThrow().height()).toList();
        assertThat(heights.get(0)).isEqualTo(220L);
        assertThat(heights.get(heights.size() - 1)).isZero();
        assertThat(locator).hasSizeLessThan(25);
        for (int i = 2; i < heights.size() - 1; i++) {
            assertThat(heights.get(i - 1) - heights.get(i))
                    .isGreaterThanOrEqualTo(heights.get(i - 2) - heights.get(i - 1));
        }
    }

    @Test
    void peerOnAForkGetsOurBlocksAfterTheCommonAncestor() {
        List<Block> answer = ours.blocksAfter(peer.locator(), 100, Long.MAX_VALUE);
        assertThat(hashes(answer)).isEqualTo(ourHashes(13, 20));
    }

    @Test
    void forkBlocksWeHoldAsSideBranchesAreNotTakenForTheMainChain() {
        for (Block b : fork) {
            assertThat(ours.importBlock(b).status()).isEqualTo(Status.SIDE_BRANCH);
        }
        assertThat(hashes(ours.blocksAfter(peer.locator(), 100, Long.MAX_VALUE)))
                .isEqualTo(ourHashes(13, 20));
    }

    @Test
    void answerIsBoundedByCountAndBytesButNeverEmptyWhenBehind() {
        assertThat(hashes(ours.blocksAfter(peer.locator(), 3, Long.MAX_VALUE))).isEqualTo(ourHashes(13, 15));
        assertThat(hashes(ours.blocksAfter(peer.locator(), 100, 1))).isEqualTo(ourHashes(13, 13));
        long twoBlocks = 2L * ours.blockAt(13).orElseThrow().toProto().getSerializedSize() + 10;
        assertThat(ours.blocksAfter(peer.locator(), 100, twoBlocks)).hasSize(2);
    }

    @Test
    void upToDateOrNewPeers() {
        assertThat(ours.blocksAfter(ours.locator(), 100, Long.MAX_VALUE)).isEmpty();
        assertThat(hashes(ours.blocksAfter(List.of(f.genesis.hash()), 100, Long.MAX_VALUE)))
                .isEqualTo(ourHashes(1, 20));
    }

    @Test
    void peerThatImportsTheAnswerSwitchesToOurChain() {
        for (Block b : ours.blocksAfter(peer.locator(), 100, Long.MAX_VALUE)) {
            assertThat(peer.importBlock(b).status()).isNotEqualTo(Status.INVALID);
        }
        assertThat(peer.head().hash()).isEqualTo(ours.head().hash());
        assertThat(ChainFixture.rawState(peer)).isEqualTo(ChainFixture.rawState(ours));
        assertThat(peer.blocksAfter(ours.locator(), 100, Long.MAX_VALUE)).isEmpty();
    }
}

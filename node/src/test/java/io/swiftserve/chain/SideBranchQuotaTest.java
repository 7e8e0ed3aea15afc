package io.swiftserve.chain;

import static org.assertj.core.api.Assertions.assertThat;

import io.swiftserve.chain.ImportResult.Status;
import io.swiftserve.identity.NodeKey;
import io.swiftserve.store.InMemoryStore;
import io.swiftserve.store.KeyValueStore;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * Side-branch blocks get only stateless checks on arrival, so they were free storage: a session
 * could store ~3 MiB blocks sealed by a key that was never a member. Now such blocks are refused,
 * and the side blocks of members are capped in bytes.
 */
@Timeout(30)
class SideBranchQuotaTest {
    private final ChainFixture f = new ChainFixture();
    private final NodeKey founder = f.founder;
    private final NodeKey member = NodeKey.generate();
    private final KeyValueStore store = new InMemoryStore();
    private final Blockchain chain = f.newChain(store);

    @Test
    void aSideBlockSealedByAKeyThatWasNeverAMemberIsNotStored() {
        Block p1 = f.extend(chain, founder, f.join(founder, member));
        f.extend(chain, founder, f.fileAdd(founder, "main.bin", 1));
        NodeKey stranger = NodeKey.generate();
        Block forged = f.seal(stranger, p1, f.fileAdd(stranger, "junk.bin", 1));

        ImportResult r = chain.importBlock(forged);
        System.out.println("[SideBranchQuotaTest] stranger's side block: " + r.status() + " " + r.reason());

        assertThat(r.status()).isEqualTo(Status.INVALID);
        assertThat(r.reason()).contains("never a member");
        assertThat(chain.contains(forged.hash())).isFalse();
        assertThat(chain.sideBranchBytes()).isZero();
    }

    @Test
    void aKeyThatJoinedOnTheSameSideBranchMaySealThere() {
        Block p1 = f.extend(chain, founder, f.fileAdd(founder, "a.bin", 1));
        Block b2 = f.extend(chain, founder, f.fileAdd(founder, "b.bin", 1));
        f.extend(chain, founder, f.fileAdd(founder, "c.bin", 1));
        f.extend(chain, founder, f.fileAdd(founder, "d.bin", 1));
        NodeKey newcomer = NodeKey.generate();
        Block s1 = f.sealLosingTieTo(b2, founder, p1, f.join(founder, newcomer));
        Block s2 = f.seal(newcomer, s1, f.fileAdd(newcomer, "n.bin", 1));
        assertThat(chain.importBlock(s1).status()).isEqualTo(Status.SIDE_BRANCH);
        assertThat(chain.importBlock(s2).status()).isEqualTo(Status.SIDE_BRANCH);
    }

    @Test
    void sideBlocksOfMembersAreCappedInBytes() {
        Block p1 = f.extend(chain, founder, f.join(founder, member));
        for (int i = 0; i < 4; i++) {
            f.extend(chain, founder, f.fileAdd(founder, "main/" + i + ".bin", 1));
        }
        chain.sideBranchCap(4_000);
        Block parent = p1;
        int stored = 0;
        ImportResult last = null;
        for (int i = 0; i < 20; i++) {
            // long paths make each side block about 1.2 KB, now that chunk hashes are off the chain
            Block b = f.seal(
                    member,
                    parent,
                    f.txs(member)
                            .fileAdd(
                                    "side/" + "x".repeat(900) + i + ".bin",
                                    40L * ChainFixture.CHUNK,
                                    ChainFixture.CHUNK,
                                    f.randomBytes(40 * 32),
                                    1));
            last = chain.importBlock(b);
            if (last.status() != Status.SIDE_BRANCH) {
                break;
            }
            stored++;
            parent = b;
        }
        System.out.printf(
                "[SideBranchQuotaTest] a member's side branch: %d blocks stored, then %s (%s); %d bytes held%n",
                stored, last.status(), last.reason(), chain.sideBranchBytes());
        assertThat(last.status()).isEqualTo(Status.INVALID);
        assertThat(last.reason()).contains("side-branch storage is full");
        assertThat(chain.sideBranchBytes()).isBetween(1L, 4_000L);
    }

    @Test
    void blocksDroppedByAReorgCountAsSideAndAdoptedOnesNoLonger() {
        NodeKey b = member;
        Block p1 = f.extend(chain, founder, f.join(founder, b));
        Block a2 = f.extend(chain, founder, f.fileAdd(founder, "a.bin", 1));
        Block b2 = f.sealLosingTieTo(a2, b, p1, f.fileAdd(b, "b.bin", 1));
        Block b3 = f.seal(founder, b2, f.fileAdd(founder, "c.bin", 1));
        chain.importBlock(b2);
        long sideBefore = chain.sideBranchBytes();
        assertThat(sideBefore).isEqualTo(b2.toProto().getSerializedSize());
        assertThat(chain.importBlock(b3).status()).isEqualTo(Status.REORGED);
        assertThat(chain.sideBranchBytes()).isEqualTo(a2.toProto().getSerializedSize());
        Blockchain reopened = Blockchain.open(store, f.clock).orElseThrow();
        assertThat(reopened.sideBranchBytes()).isEqualTo(chain.sideBranchBytes());
    }
}

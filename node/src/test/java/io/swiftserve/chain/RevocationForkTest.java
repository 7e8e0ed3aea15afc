package io.swiftserve.chain;

import static org.assertj.core.api.Assertions.assertThat;

import io.swiftserve.chain.ImportResult.Status;
import io.swiftserve.identity.NodeKey;
import io.swiftserve.store.InMemoryStore;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * A member that is being revoked seals, from the revoke block's parent, a branch that wins the fork
 * choice (longer, or the same length with a smaller hash). No node may adopt a branch that removes
 * the revocation of one of that branch's own sealers; other forks are chosen as before.
 */
@Timeout(30)
class RevocationForkTest {
    private final ChainFixture f = new ChainFixture();
    private final NodeKey admin = f.founder;
    private final NodeKey rogue = NodeKey.generate();
    private final NodeKey other = NodeKey.generate();
    private Blockchain chain;
    private TransactionPool pool;
    private Block p1;
    private Block revoke;
    private Transaction revokeTx;

    @BeforeEach
    void revokeTheRogue() {
        chain = f.newChain(new InMemoryStore());
        pool = new TransactionPool(new InMemoryStore(), chain, f.clock, f.founder.id());
        p1 = f.extend(chain, admin, f.join(admin, rogue), f.join(admin, other));
        revokeTx = f.txs(admin).revoke(rogue.id());
        revoke = f.extend(chain, admin, revokeTx);
        assertThat(chain.state().isRevoked(rogue.id())).isTrue();
    }

    @Test
    void aLongerBranchSealedByTheRevokedMemberIsNotAdopted() {
        Block x1 = f.sealLosingTieTo(revoke, rogue, p1, f.fileAdd(rogue, "mine/1.bin", 1));
        Block x2 = f.seal(rogue, x1, f.fileAdd(rogue, "mine/2.bin", 1));
        assertThat(chain.importBlock(x1).status()).isEqualTo(Status.SIDE_BRANCH);

        ImportResult r = chain.importBlock(x2);
        System.out.println("[RevocationForkTest] revoked member's longer branch: " + r.status() + " " + r.reason());

        assertThat(r.changedHead())
                .as("the branch that undoes the revoke is adopted: %s", r)
                .isFalse();
        assertThat(r.reason()).contains("revocation").contains(rogue.id().shortId());
        assertThat(chain.head().hash()).isEqualTo(revoke.hash());
        assertThat(chain.state().isRevoked(rogue.id())).isTrue();
        assertThat(pool.contains(revokeTx.id())).isFalse();
    }

    @Test
    void aSingleBlockThatWinsTheTieIsNotAdoptedEither() {
        Block x1 = winningTie(rogue);
        ImportResult r = chain.importBlock(x1);
        System.out.println("[RevocationForkTest] revoked member's tie-winning block: " + r.status() + " " + r.reason());
        assertThat(r.changedHead()).isFalse();
        assertThat(chain.state().isRevoked(rogue.id())).isTrue();
    }

    @Test
    void aBranchThatRevokesItsSealerAgainIsAdopted() {
        // honest: the member sealed a block before it learnt of the revoke, and the branch revokes it on top
        Block x1 = f.sealLosingTieTo(revoke, rogue, p1, f.fileAdd(rogue, "mine/1.bin", 1));
        Block o2 = f.seal(other, x1, revokeTx);
        chain.importBlock(x1);
        ImportResult r = chain.importBlock(o2);
        assertThat(r.status()).isEqualTo(Status.REORGED);
        assertThat(chain.state().isRevoked(rogue.id())).isTrue();
    }

    @Test
    void aLongerBranchOfOtherMembersStillWinsAndTheRevokeIsSealedAgain() {
        Block o1 = f.sealLosingTieTo(revoke, other, p1, f.fileAdd(other, "o/1.bin", 1));
        Block o2 = f.seal(admin, o1, f.fileAdd(admin, "o/2.bin", 1));
        chain.importBlock(o1);
        assertThat(chain.importBlock(o2).status()).isEqualTo(Status.REORGED);
        assertThat(pool.contains(revokeTx.id()))
                .as("the revoke is back in the pool")
                .isTrue();
    }

    private Block winningTie(NodeKey sealer) {
        long ts = Math.max(f.clock.millis(), p1.header().timestampMs() + 1);
        for (int i = 0; ; i++) {
            Block b = f.sealAt(sealer, p1, ts + i, f.fileAdd(sealer, "tie.bin", 1));
            if (b.hash().compareTo(revoke.hash()) < 0) {
                return b;
            }
        }
    }
}

package io.swiftserve.chain;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.swiftserve.chain.ImportResult.Status;
import io.swiftserve.identity.NodeKey;
import io.swiftserve.store.InMemoryStore;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** One token for a lab: the ledger counts an invite's uses on every node, whoever seals the joins. */
@Timeout(60)
class MultiUseInviteTest {
    private final ChainFixture f = new ChainFixture();
    private Blockchain chain;

    @BeforeEach
    void setUp() {
        chain = f.newChain(new InMemoryStore());
    }

    private InviteToken invite(int uses, List<String> cidrs) throws InvalidException {
        InviteToken made = InviteToken.create(
                f.founder,
                f.networkId,
                Duration.ofHours(2),
                List.of("10.1.0.1:8000"),
                new InviteToken.Terms(uses, cidrs, false),
                f.clock);
        // through its text form, as a joining machine reads it
        return InviteToken.parse(made.format());
    }

    @Test
    void aThreeUseInviteAdmitsThreeKeysThenNoMore() throws Exception {
        InviteToken lab = invite(3, List.of());
        assertThat(lab.invite().maxUses()).isEqualTo(3);
        for (int i = 0; i < 3; i++) {
            f.extend(chain, f.founder, f.txs(NodeKey.generate()).join(lab));
            assertThat(chain.state().inviteUses(lab.inviteId())).isEqualTo(i + 1);
        }
        assertThat(chain.state().members()).hasSize(4);

        Block head = chain.head();
        ImportResult fourth = chain.importBlock(
                f.seal(f.founder, head, f.txs(NodeKey.generate()).join(lab)));
        assertThat(fourth.status()).isEqualTo(Status.INVALID);
        assertThat(fourth.reason()).contains("invite used up (3 of 3 uses)");
        assertThat(chain.head().hash()).isEqualTo(head.hash());
    }

    @Test
    void usesAreCountedWithinOneBlockToo() throws Exception {
        InviteToken two = invite(2, List.of());
        ImportResult three = chain.importBlock(f.seal(
                f.founder,
                chain.head(),
                f.txs(NodeKey.generate()).join(two),
                f.txs(NodeKey.generate()).join(two),
                f.txs(NodeKey.generate()).join(two)));
        assertThat(three.status()).isEqualTo(Status.INVALID);
        assertThat(three.reason()).startsWith("transaction 2").contains("used up");

        f.extend(
                chain,
                f.founder,
                f.txs(NodeKey.generate()).join(two),
                f.txs(NodeKey.generate()).join(two));
        assertThat(chain.state().members()).hasSize(3);
    }

    @Test
    void oneKeyCannotJoinTwiceOnOneMultiUseInvite() throws Exception {
        InviteToken lab = invite(5, List.of());
        NodeKey machine = NodeKey.generate();
        f.extend(chain, f.founder, f.txs(machine).join(lab));
        ImportResult again =
                chain.importBlock(f.seal(f.founder, chain.head(), f.txs(machine).join(lab)));
        assertThat(again.status()).isEqualTo(Status.INVALID);
        assertThat(again.reason()).contains("already a member");
    }

    @Test
    void theTermsTravelSignedInTheToken() throws Exception {
        InviteToken lab = invite(200, List.of("10.1.0.0/16", "fd00::/8"));
        assertThat(lab.invite().cidrs()).extracting(Object::toString).containsExactly("10.1.0.0/16", "fd00::/8");
        assertThat(lab.invite().needsApproval()).isFalse();
        assertThat(InviteToken.parse(f.invite(f.founder).format()).invite().maxUses())
                .as("a single-use invite")
                .isEqualTo(1);
    }

    @Test
    void badTermsAreRefusedWithOneLine() {
        assertThatThrownBy(() -> invite(0, List.of()))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage("uses must be 1..100000, not 0");
        assertThatThrownBy(() -> invite(2, List.of("lab.example")))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("is not an address block");
        assertThatThrownBy(() -> invite(2, List.of("10.0.0.0/33")))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("prefix length");
    }
}

package io.swiftserve.chain;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.swiftserve.chain.ImportResult.Status;
import io.swiftserve.identity.NodeId;
import io.swiftserve.identity.NodeKey;
import io.swiftserve.store.InMemoryStore;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/** Labels on the chain (who may label whom, syntax, reorgs) and the placement function built on them. */
@Timeout(60)
class PlacementRulesTest {
    @TempDir
    Path dir;

    private final ChainFixture f = new ChainFixture();
    private final NodeKey founder = f.founder;
    private final NodeKey b = NodeKey.generate();
    private final NodeKey c = NodeKey.generate();
    private Blockchain chain;

    @BeforeEach
    void setUp() {
        chain = f.newChain(new InMemoryStore());
        f.extend(chain, founder, f.join(founder, b)); // b joins at height 1
        f.extend(chain, founder, f.join(b, c)); // c joins at height 2
    }

    private Transaction label(NodeKey signer, NodeKey target, List<String> add, List<String> remove) {
        return f.txs(signer).label(target.id(), add, remove);
    }

    private void refuse(Transaction tx, String rule) {
        Block head = chain.head();
        ImportResult result = chain.importBlock(f.seal(founder, head, tx));
        assertThat(result.status()).isEqualTo(Status.INVALID);
        assertThat(result.reason()).contains(rule);
        assertThat(chain.head().hash()).isEqualTo(head.hash());
    }

    @Test
    void aMemberLabelsItselfAndLaterMembers() {
        f.extend(
                chain, founder, label(b, b, List.of("gpu", "lab2"), List.of()), label(b, c, List.of("gpu"), List.of()));
        f.extend(chain, founder, label(founder, b, List.of(), List.of("lab2")));
        assertThat(chain.state().labels(b.id())).containsExactly("gpu");
        assertThat(chain.state().labels(c.id())).containsExactly("gpu");
        assertThat(chain.state().labels(founder.id())).isEmpty();
    }

    @Test
    void aLaterMemberMayNotLabelAnEarlierOne() {
        refuse(label(c, b, List.of("gpu"), List.of()), "may not label " + b.id().shortId() + ", who joined earlier");
        refuse(label(b, founder, List.of("gpu"), List.of()), "who joined earlier");
    }

    @Test
    void aNonMemberMayNotLabel() {
        NodeKey stranger = NodeKey.generate();
        refuse(f.txs(stranger).label(c.id(), List.of("gpu"), List.of()), "is not a member");
        refuse(label(founder, stranger, List.of("gpu"), List.of()), "is not a member");
    }

    @Test
    void labelsAreBounded() {
        refuse(label(b, b, List.of("GPU"), List.of()), "not 1 to 32 of a-z");
        refuse(label(b, b, List.of("a".repeat(33)), List.of()), "not 1 to 32");
        refuse(label(b, b, List.of("gpu"), List.of("gpu")), "both added and removed");
        refuse(label(b, b, List.of(), List.of()), "changes nothing");
        List<String> many = new ArrayList<>();
        for (int i = 0; i < 32; i++) {
            many.add("l" + i);
        }
        f.extend(chain, founder, label(b, b, many, List.of()));
        refuse(label(b, b, List.of("one-more"), List.of()), "more than 32 labels");
        Transaction placedBadly = f.txs(b)
                .fileAdd(
                        "x.bin",
                        Manifest.ofFile(0, ChainFixture.CHUNK, new byte[0]),
                        1,
                        new Placement.Target(List.of("Bad label"), 0));
        refuse(placedBadly, "placement of x.bin");
    }

    @Test
    void labelsAndTargetsFollowAReorg() {
        Block base = chain.head();
        Transaction add = f.txs(founder)
                .fileAdd(
                        "m.bin",
                        Manifest.ofFile(0, ChainFixture.CHUNK, new byte[0]),
                        1,
                        new Placement.Target(List.of("gpu"), 0));
        Block labelled = f.extend(chain, founder, label(b, c, List.of("gpu"), List.of()), add);
        FileEntry m = chain.state().file("m.bin").orElseThrow();
        assertThat(Placement.of(chain.state()).holders(m)).containsExactly(founder.id(), c.id());

        // a longer branch from before the label: the label and the target are rolled back
        Block s1 = f.sealLosingTieTo(labelled, b, base, label(b, b, List.of("cpu"), List.of()));
        assertThat(chain.importBlock(s1).status()).isEqualTo(Status.SIDE_BRANCH);
        Block s2 = f.seal(b, s1, label(founder, b, List.of("x"), List.of()));
        ImportResult switched = chain.importBlock(s2);
        assertThat(switched.status()).as(switched.reason()).isEqualTo(Status.REORGED);
        assertThat(chain.state().labels(c.id())).isEmpty();
        assertThat(chain.state().labels(b.id())).containsExactly("cpu", "x");
        assertThat(chain.state().targets()).isEmpty();

        // and back: the first branch grows longer again
        Block l2 = f.seal(founder, labelled, f.fileAdd(founder, "l2.bin", 1));
        Block l3 = f.seal(founder, l2, f.fileAdd(founder, "l3.bin", 1));
        ChainFixture.importAll(chain, List.of(l2, l3));
        assertThat(chain.head().hash()).isEqualTo(l3.hash());
        assertThat(chain.state().labels(c.id())).containsExactly("gpu");
        assertThat(chain.state().labels(b.id())).isEmpty();
        assertThat(chain.state().targets()).containsKey(m.fileId());
    }

    @Test
    void aRevokedOrLeavingMemberLosesItsLabelsAndANewVersionDropsTheOldTarget() {
        f.extend(chain, founder, label(b, c, List.of("gpu"), List.of()), label(b, b, List.of("gpu"), List.of()));
        f.extend(chain, founder, f.txs(founder).revoke(c.id()), f.txs(b).leave());
        assertThat(chain.state().allLabels()).isEmpty();

        Manifest empty = Manifest.ofFile(0, ChainFixture.CHUNK, new byte[0]);
        f.extend(chain, founder, f.txs(founder).fileAdd("p.bin", empty, 1, new Placement.Target(List.of(), 2)));
        Hash v1 = chain.state().file("p.bin").orElseThrow().fileId();
        assertThat(chain.state().targets()).containsOnlyKeys(v1);
        f.extend(chain, founder, f.txs(founder).fileAdd("p.bin", empty, 2, new Placement.Target(List.of("gpu"), 0)));
        Hash v2 = chain.state().file("p.bin").orElseThrow().fileId();
        assertThat(chain.state().targets()).containsOnlyKeys(v2);
        f.extend(chain, founder, f.txs(founder).fileDelete("p.bin"));
        assertThat(chain.state().targets()).isEmpty();
    }

    @Test
    void replicasPickTheHighestScoresAndRefillWhenAHolderIsRevoked() {
        List<NodeKey> more = List.of(NodeKey.generate(), NodeKey.generate(), NodeKey.generate());
        for (NodeKey k : more) {
            f.extend(chain, founder, f.join(founder, k));
        }
        Manifest empty = Manifest.ofFile(0, ChainFixture.CHUNK, new byte[0]);
        Transaction add = f.txs(b).fileAdd("r.bin", empty, 1, new Placement.Target(List.of(), 2));
        f.extend(chain, founder, add);
        FileEntry r = chain.state().file("r.bin").orElseThrow();
        Placement p = Placement.of(chain.state());
        List<NodeId> byScore = chain.state().members().stream()
                .map(Member::id)
                .sorted((x, y) -> java.util.Arrays.compareUnsigned(
                        Placement.score(r.fileId(), y), Placement.score(r.fileId(), x)))
                .toList();
        assertThat(p.chosen(r)).containsExactlyInAnyOrderElementsOf(byScore.subList(0, 2));
        assertThat(p.mustHold(r, b.id())).as("the publisher").isTrue();
        long holders = chain.state().members().stream()
                .filter(m -> p.mustHold(r, m.id()))
                .count();
        assertThat(holders).isEqualTo(byScore.subList(0, 2).contains(b.id()) ? 2 : 3);

        // revoke the top holder that founder may revoke (anyone but founder): the third in score order steps in
        NodeId gone = byScore.stream()
                .limit(2)
                .filter(id -> !id.equals(founder.id()))
                .findFirst()
                .orElseThrow();
        f.extend(chain, founder, f.txs(founder).revoke(gone));
        List<NodeId> rest = byScore.stream().filter(id -> !id.equals(gone)).toList();
        assertThat(Placement.of(chain.state()).chosen(r)).containsExactlyInAnyOrderElementsOf(rest.subList(0, 2));
    }

    @Test
    void fewerEligibleThanReplicasMeansAllOfThemAndLabelsMatchAny() {
        f.extend(
                chain,
                founder,
                label(founder, b, List.of("gpu"), List.of()),
                label(founder, c, List.of("lab2"), List.of()));
        Manifest empty = Manifest.ofFile(0, ChainFixture.CHUNK, new byte[0]);
        f.extend(
                chain,
                founder,
                f.txs(founder).fileAdd("g.bin", empty, 1, new Placement.Target(List.of("gpu", "lab2"), 5)));
        FileEntry g = chain.state().file("g.bin").orElseThrow();
        assertThat(Placement.of(chain.state()).chosen(g)).containsExactlyInAnyOrder(b.id(), c.id());
        assertThat(Placement.of(chain.state()).holders(g)).containsExactly(founder.id(), b.id(), c.id());
        f.extend(chain, founder, f.txs(founder).fileAdd("all.bin", empty, 1));
        FileEntry all = chain.state().file("all.bin").orElseThrow();
        assertThat(Placement.of(chain.state()).target(all).everyone()).isTrue();
        assertThat(Set.copyOf(Placement.of(chain.state()).holders(all))).hasSize(3);
    }

    @Test
    void theSameStateGivesTheSameAnswerOnEveryNode() {
        assertThatThrownBy(() -> Labels.check(List.of("a", "a"), "x"))
                .isInstanceOf(InvalidException.class)
                .hasMessageContaining("repeats");
        assertThat(Labels.decode(Labels.encode(Set.of("b", "a")))).containsExactly("a", "b");
    }
}

package io.swiftserve.chain;

import static org.assertj.core.api.Assertions.assertThat;

import com.google.protobuf.ByteString;
import io.swiftserve.chain.ImportResult.Status;
import io.swiftserve.identity.NodeKey;
import io.swiftserve.proto.SignedTransaction;
import io.swiftserve.store.InMemoryStore;
import io.swiftserve.store.KeyValueStore;
import io.swiftserve.store.RocksDbStore;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.function.Function;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * Fork choice and reorgs, on RocksDB and in memory. Members A (the founder) and B share a prefix
 * (genesis, P1); A's branch is A1, A2, B's branch B1, B2, B3, each with its own transactions.
 */
@Timeout(60)
class ForkChoiceTest {
    @TempDir
    Path dir;

    private final ChainFixture f = new ChainFixture();
    private final NodeKey a = f.founder;
    private final NodeKey b = NodeKey.generate();
    private final NodeKey c = NodeKey.generate();
    private final NodeKey stranger = NodeKey.generate();
    private final List<KeyValueStore> stores = new ArrayList<>();

    private Block p1;
    private Block a1;
    private Block a2;
    private Block b1;
    private Block b2;
    private Block b3;

    @BeforeEach
    void buildBranches() {
        p1 = f.seal(a, f.genesis, f.join(a, b), f.fileAdd(a, "shared.bin", 1), f.fileAdd(a, "old.txt", 1));
        a1 = f.seal(a, p1, f.join(a, c), f.fileAdd(a, "a/1.bin", 1));
        a2 = f.seal(a, a1, f.fileAdd(a, "shared.bin", 2));
        b1 = f.seal(b, p1, f.fileAdd(b, "b/1.bin", 1));
        // B2 has A2's height: make it lose that tie, so the switch happens exactly at B3
        b2 = f.sealLosingTieTo(a2, b, b1, f.fileAdd(b, "b/2.bin", 1));
        b3 = f.seal(b, b2, f.txs(b).fileDelete("old.txt"));
    }

    @AfterEach
    void closeStores() {
        stores.forEach(KeyValueStore::close);
    }

    private KeyValueStore open(String kind, String name) {
        KeyValueStore store = ChainFixture.openStore(kind, dir.resolve(name));
        stores.add(store);
        return store;
    }

    private Blockchain reference(Block... blocks) {
        Blockchain ref = f.newChain(new InMemoryStore());
        ChainFixture.importAll(ref, List.of(blocks));
        return ref;
    }

    private static List<Hash> hashes(List<Block> blocks) {
        return blocks.stream().map(Block::hash).toList();
    }

    private static List<Hash> txIds(Block... blocks) {
        return Stream.of(blocks)
                .flatMap(bl -> bl.transactions().stream())
                .map(Transaction::id)
                .toList();
    }

    @ParameterizedTest
    @ValueSource(strings = {"rocksdb", "memory"})
    void longerBranchWinsAndTheLosersTransactionsAreSealedAgain(String kind) {
        KeyValueStore store = open(kind, "node");
        Blockchain chain = f.newChain(store);
        TransactionPool pool = new TransactionPool(store, chain, f.clock, f.founder.id());
        ChainFixture.importAll(chain, List.of(p1, a1, a2));
        assertThat(chain.state().isMember(c.id())).isTrue();

        assertThat(chain.importBlock(b1).status()).isEqualTo(Status.SIDE_BRANCH);
        assertThat(chain.importBlock(b2).status()).isEqualTo(Status.SIDE_BRANCH);
        assertThat(chain.head().hash()).isEqualTo(a2.hash());
        ImportResult result = chain.importBlock(b3);

        assertThat(result.status()).isEqualTo(Status.REORGED);
        assertThat(hashes(result.removed())).containsExactly(a1.hash(), a2.hash());
        assertThat(hashes(result.added())).containsExactly(b1.hash(), b2.hash(), b3.hash());
        assertThat(chain.head().hash()).isEqualTo(b3.hash());
        assertThat(hashes(ChainFixture.mainChain(chain)))
                .containsExactly(f.genesis.hash(), p1.hash(), b1.hash(), b2.hash(), b3.hash());

        // the state is exactly B's branch: no c, shared.bin back at v1, a/1 gone, old.txt deleted
        LedgerState state = chain.state();
        Blockchain replay = reference(p1, b1, b2, b3);
        assertThat(ChainFixture.describe(state)).isEqualTo(ChainFixture.describe(replay.state()));
        assertThat(ChainFixture.rawState(chain)).isEqualTo(ChainFixture.rawState(replay));
        assertThat(state.members()).extracting(Member::id).containsExactly(a.id(), b.id());
        assertThat(state.files()).extracting(FileEntry::path).containsExactly("b/1.bin", "b/2.bin", "shared.bin");
        assertThat(state.file("shared.bin"))
                .get()
                .extracting(FileEntry::version)
                .isEqualTo(1L);
        txIds(a1, a2).forEach(id -> assertThat(state.includes(id)).isFalse());
        txIds(b1, b2, b3).forEach(id -> assertThat(state.includes(id)).isTrue());

        // A's transactions are back in the pool, and sealing puts them on top of B's branch
        assertThat(pool.size()).isEqualTo(3);
        txIds(a1, a2).forEach(id -> assertThat(pool.contains(id)).isTrue());
        Block resealed = new BlockSealer(chain, pool, a, f.clock).sealNow().orElseThrow();
        assertThat(resealed.parentHash()).isEqualTo(b3.hash());
        assertThat(txIds(resealed)).containsExactlyElementsOf(txIds(a1, a2));
        assertThat(chain.head().hash()).isEqualTo(resealed.hash());
        assertThat(pool.size()).isZero();

        List<Hash> onChain = ChainFixture.mainChain(chain).stream()
                .flatMap(bl -> bl.transactions().stream())
                .map(Transaction::id)
                .toList();
        Map<Hash, Long> counts =
                onChain.stream().collect(Collectors.groupingBy(Function.identity(), Collectors.counting()));
        for (Hash id : txIds(p1, a1, a2, b1, b2, b3)) {
            assertThat(counts.get(id)).as("occurrences of %s", id.shortHex()).isEqualTo(1L);
        }
        assertThat(chain.state().isMember(c.id())).isTrue();
        assertThat(chain.state().file("shared.bin"))
                .get()
                .extracting(FileEntry::version)
                .isEqualTo(2L);
    }

    @ParameterizedTest
    @ValueSource(strings = {"rocksdb", "memory"})
    void equalLengthBranchesGoToTheSmallerHeadHashWhateverTheImportOrder(String kind) {
        Block b2even = f.seal(b, b1, f.fileAdd(b, "b/2.bin", 1));
        Block winner = a2.hash().compareTo(b2even.hash()) < 0 ? a2 : b2even;
        List<Block> branchA = List.of(a1, a2);
        List<Block> branchB = List.of(b1, b2even);
        List<String> expectedState =
                ChainFixture.rawState(winner == a2 ? reference(p1, a1, a2) : reference(p1, b1, b2even));

        for (int order = 0; order < 2; order++) {
            KeyValueStore store = open(kind, "order" + order);
            Blockchain chain = f.newChain(store);
            TransactionPool pool = new TransactionPool(store, chain, f.clock, f.founder.id());
            List<Block> first = order == 0 ? branchA : branchB;
            List<Block> second = order == 0 ? branchB : branchA;
            ChainFixture.importAll(chain, List.of(p1));
            ChainFixture.importAll(chain, first);
            ImportResult last = ChainFixture.importAll(chain, second);

            assertThat(chain.head().hash()).as("order %d", order).isEqualTo(winner.hash());
            assertThat(ChainFixture.rawState(chain)).isEqualTo(expectedState);
            if (first.contains(winner)) {
                assertThat(last.status()).isEqualTo(Status.SIDE_BRANCH);
                assertThat(pool.size()).isZero();
            } else {
                assertThat(last.status()).isEqualTo(Status.REORGED);
                assertThat(hashes(last.removed())).isEqualTo(hashes(first));
                assertThat(hashes(last.added())).isEqualTo(hashes(second));
                assertThat(pool.size())
                        .isEqualTo(txIds(first.toArray(Block[]::new)).size());
            }
        }
    }

    @Test
    void rocksDbChainReopensAfterAReorgWithTheSameHeadStateAndPool() {
        Path path = dir.resolve("node");
        Hash head;
        List<String> state;
        List<Hash> main;
        try (KeyValueStore store = RocksDbStore.open(path)) {
            Blockchain chain = f.newChain(store);
            TransactionPool pool = new TransactionPool(store, chain, f.clock, f.founder.id());
            ChainFixture.importAll(chain, List.of(p1, a1, a2, b1, b2));
            assertThat(chain.importBlock(b3).status()).isEqualTo(Status.REORGED);
            assertThat(pool.size()).isEqualTo(3);
            head = chain.head().hash();
            state = ChainFixture.rawState(chain);
            main = hashes(ChainFixture.mainChain(chain));
        }

        try (KeyValueStore store = RocksDbStore.open(path)) {
            Blockchain chain = Blockchain.open(store, f.clock).orElseThrow();
            assertThat(chain.head().hash()).isEqualTo(head);
            assertThat(chain.networkId()).isEqualTo(f.networkId);
            assertThat(ChainFixture.rawState(chain)).isEqualTo(state);
            assertThat(hashes(ChainFixture.mainChain(chain))).isEqualTo(main);
            assertThat(chain.contains(a2.hash())).isTrue(); // the losing branch is still known

            TransactionPool pool = new TransactionPool(store, chain, f.clock, f.founder.id());
            txIds(a1, a2).forEach(id -> assertThat(pool.contains(id)).isTrue());
            Block resealed = new BlockSealer(chain, pool, b, f.clock).sealNow().orElseThrow();
            assertThat(txIds(resealed)).containsExactlyInAnyOrderElementsOf(txIds(a1, a2));
        }
    }

    @Test
    void poolKeepsDependentTransactionsInOrderAcrossARestart() {
        Transaction joinC = f.join(a, c);
        Transaction byC;
        do {
            byC = f.fileAdd(c, "c.bin", 1);
        } while (byC.id().compareTo(joinC.id()) > 0);
        Block x1 = f.seal(a, p1, joinC);
        Block x2 = f.seal(c, x1, byC);
        Block y2 = f.sealLosingTieTo(x2, b, b1, f.fileAdd(b, "b/2.bin", 1));
        Block y3 = f.seal(b, y2, f.fileAdd(b, "b/3.bin", 1));
        Path path = dir.resolve("node");
        try (KeyValueStore store = RocksDbStore.open(path)) {
            Blockchain chain = f.newChain(store);
            TransactionPool pool = new TransactionPool(store, chain, f.clock, f.founder.id());
            ChainFixture.importAll(chain, List.of(p1, x1, x2, b1, y2));
            assertThat(chain.importBlock(y3).status()).isEqualTo(Status.REORGED);
            assertThat(pool.size()).isEqualTo(2);
        }

        try (KeyValueStore store = RocksDbStore.open(path)) {
            Blockchain chain = Blockchain.open(store, f.clock).orElseThrow();
            TransactionPool pool = new TransactionPool(store, chain, f.clock, f.founder.id());
            Block resealed = new BlockSealer(chain, pool, a, f.clock).sealNow().orElseThrow();

            assertThat(txIds(resealed)).containsExactly(joinC.id(), byC.id());
            assertThat(chain.state().file("c.bin")).isPresent();
        }
    }

    @ParameterizedTest
    @ValueSource(strings = {"rocksdb", "memory"})
    void orphanAndDuplicateBlocks(String kind) {
        Blockchain chain = f.newChain(open(kind, "node"));
        assertThat(chain.importBlock(f.genesis).status()).isEqualTo(Status.KNOWN);
        assertThat(chain.importBlock(a1).status()).isEqualTo(Status.ORPHAN);
        assertThat(chain.contains(a1.hash())).isFalse();
        assertThat(chain.head().hash()).isEqualTo(f.genesis.hash());

        assertThat(chain.importBlock(p1).status()).isEqualTo(Status.EXTENDED);
        assertThat(chain.importBlock(p1).status()).isEqualTo(Status.KNOWN);
        assertThat(chain.importBlock(a1).status()).isEqualTo(Status.EXTENDED);
        assertThat(chain.importBlock(a2).status()).isEqualTo(Status.EXTENDED);
        assertThat(chain.importBlock(b1).status()).isEqualTo(Status.SIDE_BRANCH);
        assertThat(chain.importBlock(b1).status()).isEqualTo(Status.KNOWN);
        assertThat(chain.head().hash()).isEqualTo(a2.hash());
    }

    @ParameterizedTest
    @ValueSource(strings = {"rocksdb", "memory"})
    void branchWithAnInvalidBlockLeavesTheMainChainUntouched(String kind) {
        KeyValueStore store = open(kind, "node");
        Blockchain chain = f.newChain(store);
        TransactionPool pool = new TransactionPool(store, chain, f.clock, f.founder.id());
        ChainFixture.importAll(chain, List.of(p1, a1, a2, b1));
        List<Hash> main = hashes(ChainFixture.mainChain(chain));
        List<String> state = ChainFixture.rawState(chain);
        List<Block> notified = new ArrayList<>();
        chain.addListener((removed, added) -> notified.addAll(added));

        // a stranger's block is not even stored as a side branch
        Block strangers = f.sealLosingTieTo(a2, stranger, b1, f.fileAdd(b, "b/2.bin", 1));
        assertThat(chain.importBlock(strangers).status()).isEqualTo(Status.INVALID);
        assertThat(chain.contains(strangers.hash())).isFalse();
        // C joined on A's branch: a member now, so its block on B's branch passes the arrival checks
        // and is kept as a side branch...
        Block bad = f.sealLosingTieTo(a2, c, b1, f.fileAdd(b, "b/2.bin", 1));
        assertThat(chain.importBlock(bad).status()).isEqualTo(Status.SIDE_BRANCH);
        // ...until a longer branch on top of it has to be validated: on B's branch C never joined
        Block onBad = f.seal(b, bad, f.fileAdd(b, "b/3.bin", 1));
        ImportResult result = chain.importBlock(onBad);
        assertThat(result.status()).isEqualTo(Status.INVALID);
        assertThat(result.reason())
                .contains("branch block")
                .contains("sealer " + c.id().shortId() + " is not a member");
        assertUntouched(chain, pool, main, state, notified);
        assertThat(chain.contains(bad.hash())).isFalse();
        assertThat(chain.contains(onBad.hash())).isFalse();
        assertThat(chain.contains(b1.hash())).isTrue();

        // a bad transaction at the tip of an otherwise valid branch
        assertThat(chain.importBlock(b2).status()).isEqualTo(Status.SIDE_BRANCH);
        Block badTip = f.seal(b, b2, f.txs(b).fileDelete("nope.txt"));
        ImportResult tipResult = chain.importBlock(badTip);
        assertThat(tipResult.status()).isEqualTo(Status.INVALID);
        assertThat(tipResult.reason()).contains("no file nope.txt to delete");
        assertUntouched(chain, pool, main, state, notified);

        // the valid branch still wins once it is complete
        assertThat(chain.importBlock(b3).status()).isEqualTo(Status.REORGED);
        assertThat(chain.head().hash()).isEqualTo(b3.hash());
    }

    private static void assertUntouched(
            Blockchain chain, TransactionPool pool, List<Hash> main, List<String> state, List<Block> notified) {
        assertThat(hashes(ChainFixture.mainChain(chain))).isEqualTo(main);
        assertThat(chain.head().hash()).isEqualTo(main.get(main.size() - 1));
        assertThat(ChainFixture.rawState(chain)).isEqualTo(state);
        assertThat(pool.size()).isZero();
        assertThat(notified).isEmpty();
    }

    @Test
    void corruptedCopyOfASideBranchBlockDoesNotPoisonTheHonestBranch() throws Exception {
        Blockchain chain = f.newChain(new InMemoryStore());
        ChainFixture.importAll(chain, List.of(p1, a1, a2));

        io.swiftserve.proto.Block honest = b1.toProto();
        SignedTransaction tx = honest.getTransactions(0);
        byte[] sig = tx.getSignature().toByteArray();
        sig[5] ^= 0x01;
        Block corrupted = Block.fromProto(honest.toBuilder()
                .setTransactions(0, tx.toBuilder().setSignature(ByteString.copyFrom(sig)))
                .build());
        assertThat(corrupted.hash()).isEqualTo(b1.hash());

        chain.importBlock(corrupted); // e.g. relayed by a faulty or hostile member
        chain.importBlock(b1);
        chain.importBlock(b2);
        ImportResult result = chain.importBlock(b3);

        assertThat(result.status()).as(result.reason()).isEqualTo(Status.REORGED);
        assertThat(chain.head().hash()).isEqualTo(b3.hash());
    }
}

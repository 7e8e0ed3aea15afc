package io.swiftserve.chain;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.swiftserve.chain.ImportResult.Status;
import io.swiftserve.identity.NodeKey;
import io.swiftserve.store.InMemoryStore;
import java.util.stream.Stream;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;
import org.junit.jupiter.params.provider.ValueSource;

/** Membership and file-set rules, each checked through a sealed block and directly against the state. */
@Timeout(60)
class TransactionRulesTest {
    private static final int CHUNK = ChainFixture.CHUNK;

    private final ChainFixture f = new ChainFixture();
    private final NodeKey founder = f.founder;
    private final NodeKey b = NodeKey.generate();
    private final NodeKey c = NodeKey.generate();
    private final NodeKey stranger = NodeKey.generate();
    private Blockchain chain;

    @BeforeEach
    void setUp() {
        chain = f.newChain(new InMemoryStore());
        f.extend(chain, founder, f.join(founder, b)); // b joins at height 1
        f.extend(chain, founder, f.join(b, c)); // c joins at height 2, invited by b
    }

    private void accept(Transaction... txs) {
        f.extend(chain, founder, txs);
    }

    /** The rule refuses {@code tx} on the head state, directly and inside a block. */
    private void refuse(Transaction tx, String rule) {
        Block head = chain.head();
        LedgerState trial = new LedgerState(new StateOverlay(chain.stateSource()));
        assertThatThrownBy(() -> TransactionRules.apply(
                        tx,
                        trial,
                        new BlockContext(
                                f.networkId, head.height() + 1, head.header().timestampMs() + 1, 0)))
                .isInstanceOf(InvalidException.class)
                .hasMessageContaining(rule);

        ImportResult result = chain.importBlock(f.seal(founder, head, tx));
        assertThat(result.status()).isEqualTo(Status.INVALID);
        assertThat(result.reason()).contains(rule);
        assertThat(chain.head().hash()).isEqualTo(head.hash());
    }

    // ------------------------------------------------------------------ revoke

    @Test
    void founderMayRevokeAnyone() {
        accept(f.txs(founder).revoke(c.id()));
        accept(f.txs(founder).revoke(b.id()));
        assertThat(chain.state().members()).extracting(Member::id).containsExactly(founder.id());
        assertThat(chain.state().isRevoked(b.id())).isTrue();
        assertThat(chain.state().isRevoked(c.id())).isTrue();
    }

    @Test
    void earlierMemberMayRevokeLaterOne() {
        accept(f.txs(b).revoke(c.id()));
        assertThat(chain.state().isMember(c.id())).isFalse();
        assertThat(chain.state().isRevoked(c.id())).isTrue();
    }

    @Test
    void laterMemberMayNotRevokeEarlierOne() {
        refuse(f.txs(c).revoke(b.id()), "may not revoke " + b.id().shortId() + ", who joined earlier");
    }

    @Test
    void nobodyCanRevokeTheFounder() {
        refuse(f.txs(b).revoke(founder.id()), "may not revoke " + founder.id().shortId());
        refuse(f.txs(c).revoke(founder.id()), "may not revoke " + founder.id().shortId());
        refuse(
                f.txs(founder).revoke(founder.id()),
                "may not revoke " + founder.id().shortId());
    }

    @Test
    void seniorityWithinOneBlockFollowsTransactionOrder() {
        NodeKey d = NodeKey.generate();
        NodeKey e = NodeKey.generate();
        accept(f.join(founder, d), f.join(founder, e));
        refuse(f.txs(e).revoke(d.id()), "who joined earlier");
        accept(f.txs(d).revoke(e.id()));
    }

    @Test
    void revokeNeedsMemberSignerAndMemberTarget() {
        refuse(f.txs(stranger).revoke(c.id()), "signer " + stranger.id().shortId() + " is not a member");
        refuse(
                f.txs(founder).revoke(stranger.id()),
                "revoke target " + stranger.id().shortId() + " is not a member");
    }

    @Test
    void revokedKeyCannotRejoin() {
        accept(f.txs(founder).revoke(c.id()));
        refuse(f.join(founder, c), "joiner " + c.id().shortId() + " was revoked");
        refuse(f.join(b, c), "was revoked");
    }

    // ------------------------------------------------------------------ leave

    @Test
    void lastMemberCannotLeave() {
        accept(f.txs(c).leave());
        accept(f.txs(b).leave());
        assertThat(chain.state().members()).extracting(Member::id).containsExactly(founder.id());
        refuse(f.txs(founder).leave(), "the last member cannot leave");
    }

    @Test
    void memberWhoLeftMayRejoinButNotLeaveTwice() {
        accept(f.txs(c).leave());
        refuse(f.txs(c).leave(), "signer " + c.id().shortId() + " is not a member");
        accept(f.join(b, c));
        assertThat(chain.state().isMember(c.id())).isTrue();
    }

    // ------------------------------------------------------------------ files

    @ParameterizedTest
    @ValueSource(ints = {0, 100_000, 64 << 10, (256 << 10) + 1, 3 << 18, 32 << 20, Integer.MIN_VALUE})
    void fileAddWithBadChunkSizeIsRefused(int chunkSize) {
        refuse(f.txs(b).fileAdd("data.bin", 1000, chunkSize, f.randomBytes(32), 1), "chunk size " + chunkSize);
    }

    @ParameterizedTest
    @ValueSource(ints = {128 << 10, 256 << 10, 1 << 20, 16 << 20})
    void fileAddWithGoodChunkSizeIsAccepted(int chunkSize) {
        accept(f.txs(b).fileAdd("data.bin", 3L * chunkSize, chunkSize, f.randomBytes(96), 1));
        assertThat(chain.state().file("data.bin"))
                .get()
                .extracting(FileEntry::chunkCount)
                .isEqualTo(3);
    }

    @Test
    void aTreesChunkCountIsKeptAndOneThatCannotCutItsSizeIsRefused() {
        Transaction file = f.txs(b).fileAdd("tree", 10L * CHUNK, CHUNK, f.randomBytes(320), 1);
        io.swiftserve.proto.FileAdd add = file.body().getFileAdd();
        refuse(withCount(add, 9), "a chunk count of 9 cannot cut");
        refuse(withCount(add, -1), "a chunk count of 4294967295 cannot cut");
        accept(withCount(add, 14));
        assertThat(chain.state().file("tree"))
                .get()
                .extracting(FileEntry::chunkCount)
                .isEqualTo(14);
    }

    private Transaction withCount(io.swiftserve.proto.FileAdd add, int count) {
        return Transaction.sign(
                b,
                f.txs(b).fileAdd("x", 1, CHUNK, f.randomBytes(32), 1).body().toBuilder()
                        .setFileAdd(add.toBuilder().setChunkCount(count))
                        .build());
    }

    @Test
    void fileAddWithoutAManifestHashIsRefusedAndStaysSmallWhateverTheSize() {
        Transaction withManifest = f.txs(b)
                .fileAdd(
                        "data.bin",
                        (long) TransactionRules.MAX_CHUNKS * CHUNK,
                        CHUNK,
                        f.randomBytes(TransactionRules.MAX_CHUNKS * 32),
                        1);
        // 65,536 chunk hashes (2 MiB) stay off the chain: the transaction is a few hundred bytes
        assertThat(withManifest.encodedSize()).isLessThan(512);
        accept(withManifest);
        io.swiftserve.proto.TransactionBody body = withManifest.body().toBuilder()
                .setFileAdd(withManifest.body().getFileAdd().toBuilder()
                        .setPath("short.bin")
                        .setManifestHash(com.google.protobuf.ByteString.copyFrom(new byte[31])))
                .build();
        refuse(Transaction.sign(b, body), "manifest hash is not 32 bytes");
    }

    @Test
    void fileVersionMustIncrease() {
        refuse(f.fileAdd(b, "data.bin", 0), "version 0 of data.bin is not newer than 0");
        accept(f.fileAdd(b, "data.bin", 2));
        refuse(f.fileAdd(c, "data.bin", 2), "version 2 of data.bin is not newer than 2");
        refuse(f.fileAdd(c, "data.bin", 1), "version 1 of data.bin is not newer than 2");
        accept(f.fileAdd(c, "data.bin", 3));
        assertThat(chain.state().file("data.bin"))
                .get()
                .extracting(FileEntry::version, FileEntry::addedBy)
                .containsExactly(3L, c.id());
    }

    static Stream<Arguments> badPaths() {
        return Stream.of(
                Arguments.of("../x", "path contains '..'"),
                Arguments.of("/etc/passwd", "path must be relative"),
                Arguments.of("a/../../b", "path contains '..'"),
                Arguments.of("a\u0000b", "path contains a control character"),
                Arguments.of("", "path is empty"),
                Arguments.of("a//b", "path has an empty component"),
                Arguments.of("a/", "path has an empty component"),
                Arguments.of("./a", "path contains '.'"),
                Arguments.of("..\\..\\windows", "path contains a backslash"),
                Arguments.of("C:/x", "path must be relative"),
                Arguments.of(".swiftserve/partial", "path uses a reserved name"),
                Arguments.of("a".repeat(FilePaths.MAX_LENGTH + 1), "path is longer than"));
    }

    @ParameterizedTest
    @MethodSource("badPaths")
    void fileAddWithEscapingPathIsRefused(String path, String rule) {
        refuse(f.fileAdd(b, path, 1), rule);
    }

    @Test
    void deleteOfMissingPathIsRefused() {
        refuse(f.txs(b).fileDelete("nope.bin"), "no file nope.bin to delete");
        accept(f.fileAdd(b, "data.bin", 1));
        accept(f.txs(c).fileDelete("data.bin"));
        assertThat(chain.state().files()).isEmpty();
        refuse(f.txs(c).fileDelete("data.bin"), "no file data.bin to delete");
    }

    @Test
    void strangerCannotChangeTheFileSet() {
        refuse(f.fileAdd(stranger, "data.bin", 1), "signer " + stranger.id().shortId() + " is not a member");
        accept(f.fileAdd(b, "data.bin", 1));
        refuse(f.txs(stranger).fileDelete("data.bin"), "is not a member");
    }

    @Test
    void transactionCannotBeReplayed() {
        Transaction add = f.fileAdd(b, "data.bin", 1);
        accept(add);
        accept(f.txs(c).fileDelete("data.bin"));
        refuse(add, "already on the chain");
        Transaction again = f.fileAdd(b, "x.bin", 1);
        ImportResult result = chain.importBlock(f.seal(founder, chain.head(), again, again));
        assertThat(result.status()).isEqualTo(Status.INVALID);
        assertThat(result.reason()).startsWith("transaction 1").contains("already on the chain");
    }

    @Test
    void genesisTransactionOutsideGenesisIsRefused() {
        refuse(Transactions.genesis(founder, "again", f.clock), "genesis transaction outside the genesis block");
    }
}

package io.swiftserve.chain;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.google.protobuf.ByteString;
import io.swiftserve.chain.ImportResult.Status;
import io.swiftserve.chain.rules.RuleContext;
import io.swiftserve.identity.NodeKey;
import io.swiftserve.proto.SignedTransaction;
import io.swiftserve.proto.TransactionBody;
import io.swiftserve.store.InMemoryStore;
import java.util.List;
import java.util.Random;
import org.bouncycastle.crypto.params.Ed25519PublicKeyParameters;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** One negative test per block rule, each asserting the rule named in the reason, plus a positive one. */
@Timeout(60)
class BlockValidationTest {
    private final ChainFixture f = new ChainFixture();
    private final NodeKey member = NodeKey.generate();
    private final NodeKey stranger = NodeKey.generate();
    private Blockchain chain;
    private BlockValidator validator;

    @BeforeEach
    void setUp() {
        chain = f.newChain(new InMemoryStore());
        f.extend(chain, f.founder, f.join(f.founder, member));
        validator = new BlockValidator(RuleContext.of(f.networkId, f.clock));
    }

    /** The validator throws naming {@code rule}; the chain refuses the block with that reason and stays as it was. */
    private void assertRejected(Block block, String rule) {
        Block head = chain.head();
        String stateBefore = ChainFixture.describe(chain.state());
        assertThatThrownBy(() -> validator.validate(block, head, chain.stateSource()))
                .isInstanceOf(InvalidException.class)
                .hasMessageContaining(rule);
        ImportResult result = chain.importBlock(block);
        assertThat(result.status()).isEqualTo(Status.INVALID);
        assertThat(result.reason()).contains(rule);
        assertThat(chain.head().hash()).isEqualTo(head.hash());
        assertThat(chain.contains(block.hash())).isFalse();
        assertThat(ChainFixture.describe(chain.state())).isEqualTo(stateBefore);
    }

    private Transaction someTx() {
        return f.fileAdd(member, "docs/a.txt", 1);
    }

    @Test
    void validBlockIsAccepted() throws Exception {
        Block block = f.seal(member, chain.head(), someTx());
        StateOverlay changes = validator.validate(block, chain.head(), chain.stateSource());
        assertThat(new LedgerState(changes).file("docs/a.txt")).isPresent();

        ImportResult result = chain.importBlock(block);
        assertThat(result.status()).isEqualTo(Status.EXTENDED);
        assertThat(result.added()).extracting(Block::hash).containsExactly(block.hash());
        assertThat(chain.head().hash()).isEqualTo(block.hash());
        assertThat(chain.state().file("docs/a.txt"))
                .get()
                .extracting(FileEntry::version)
                .isEqualTo(1L);
    }

    @Test
    void blockSurvivesTheWireAndTheStoreWithItsHash() throws Exception {
        Block block = f.extend(chain, member, someTx());
        Block parsed = Block.parse(block.toProto().toByteArray());
        assertThat(parsed.hash()).isEqualTo(block.hash());
        assertThat(parsed.signatureValid()).isTrue();
        assertThat(chain.block(block.hash())).get().extracting(Block::hash).isEqualTo(block.hash());
    }

    @Test
    void timestampExactlyAtTheSkewLimitIsAccepted() {
        Block block =
                f.sealAt(member, chain.head(), f.clock.millis() + RuleContext.DEFAULT_MAX_FUTURE_SKEW_MS, someTx());
        assertThat(chain.importBlock(block).status()).isEqualTo(Status.EXTENDED);
    }

    @Test
    void flippedSignatureByteIsRejected() throws Exception {
        io.swiftserve.proto.Block proto = f.seal(member, chain.head(), someTx()).toProto();
        byte[] sig = proto.getSignature().toByteArray();
        sig[10] ^= 0x01;
        Block tampered = Block.fromProto(
                proto.toBuilder().setSignature(ByteString.copyFrom(sig)).build());
        assertRejected(tampered, "block signature invalid");
    }

    @Test
    void headerSignedByAnotherKeyIsRejected() {
        List<SignedTransaction> txs = ChainFixture.protos(someTx());
        Block forged =
                ChainFixture.forge(stranger, f.header(member, chain.head(), txs).build(), txs);
        assertRejected(forged, "block signature invalid");
    }

    @Test
    void wrongPreviousHashIsRejected() {
        List<SignedTransaction> txs = ChainFixture.protos(someTx());
        // right height, but links to the genesis instead of the head
        Block forged = ChainFixture.forge(
                member,
                f.header(member, chain.head(), txs)
                        .setParentHash(ByteString.copyFrom(f.genesis.hash().bytes()))
                        .build(),
                txs);
        assertThatThrownBy(() -> validator.validate(forged, chain.head(), chain.stateSource()))
                .isInstanceOf(InvalidException.class)
                .hasMessageContaining("previous hash does not match the parent");
    }

    @Test
    void wrongHeightIsRejected() {
        Block head = chain.head();
        Block skip = Block.seal(
                member,
                f.networkId,
                head.height() + 2,
                head.hash(),
                head.header().timestampMs() + 1,
                List.of(someTx()));
        assertRejected(skip, "does not follow parent height");
        Block same = Block.seal(
                member, f.networkId, head.height(), head.hash(), head.header().timestampMs() + 1, List.of(someTx()));
        assertRejected(same, "does not follow parent height");
    }

    @Test
    void txRootNotMatchingTheTransactionsIsRejected() {
        List<SignedTransaction> txs = ChainFixture.protos(someTx());
        List<SignedTransaction> other = ChainFixture.protos(f.fileAdd(member, "docs/b.txt", 1));
        Block forged = ChainFixture.forge(
                member,
                f.header(member, chain.head(), txs)
                        .setTxRoot(
                                ByteString.copyFrom(ChainFixture.txRoot(other).bytes()))
                        .build(),
                txs);
        assertRejected(forged, "transactions root does not match");
    }

    @Test
    void strangerCannotSeal() {
        assertRejected(
                f.seal(stranger, chain.head(), someTx()),
                "sealer " + stranger.id().shortId() + " is not a member");
    }

    @Test
    void revokedMemberCannotSeal() {
        f.extend(chain, f.founder, f.txs(f.founder).revoke(member.id()));
        assertRejected(
                f.seal(member, chain.head(), f.fileAdd(f.founder, "x", 1)),
                "sealer " + member.id().shortId() + " was revoked");
    }

    @Test
    void transactionTamperedAfterSigningIsRejected() throws Exception {
        SignedTransaction signed = someTx().toProto();
        TransactionBody body = TransactionBody.parseFrom(signed.getBody());
        ByteString changed = body.toBuilder()
                .setFileAdd(body.getFileAdd().toBuilder().setPath("docs/evil.txt"))
                .build()
                .toByteString();
        List<SignedTransaction> txs =
                List.of(signed.toBuilder().setBody(changed).build());
        // header, tx root and header signature are all right: only the transaction signature is wrong
        Block forged =
                ChainFixture.forge(member, f.header(member, chain.head(), txs).build(), txs);
        assertThat(forged.signatureValid()).isTrue();
        assertRejected(forged, "signature invalid");
        assertThat(chain.importBlock(forged).reason()).startsWith("transaction 0");
    }

    @Test
    void blockOfAnotherNetworkIsRejected() {
        Block otherGenesis = Genesis.create(NodeKey.generate(), "other-net", f.clock);
        List<SignedTransaction> txs = ChainFixture.protos(someTx());
        Block forged = ChainFixture.forge(
                member,
                f.header(member, chain.head(), txs)
                        .setNetworkId(ByteString.copyFrom(otherGenesis.hash().bytes()))
                        .build(),
                txs);
        assertRejected(forged, "block is for another network");
        Block noNetwork = ChainFixture.forge(
                member, f.header(member, chain.head(), txs).clearNetworkId().build(), txs);
        assertRejected(noNetwork, "block is for another network");
    }

    @Test
    void transactionOfAnotherNetworkIsRejected() {
        Block otherGenesis = Genesis.create(NodeKey.generate(), "other-net", f.clock);
        Transaction foreign = new Transactions(member, otherGenesis.hash(), f.clock)
                .fileAdd("docs/a.txt", 1, ChainFixture.CHUNK, f.randomBytes(32), 1);
        assertRejected(f.seal(member, chain.head(), foreign), "is for another network");
    }

    @Test
    void timestampTooFarAheadIsRejected() {
        long ts = f.clock.millis() + RuleContext.DEFAULT_MAX_FUTURE_SKEW_MS + 1;
        assertRejected(f.sealAt(member, chain.head(), ts, someTx()), "ms in the future");
    }

    @Test
    void timestampBeforeParentIsRejected() {
        long ts = chain.head().header().timestampMs() - 1;
        assertRejected(f.sealAt(member, chain.head(), ts, someTx()), "timestamp is before the parent's");
    }

    @Test
    void emptyBlockIsRejected() {
        assertRejected(f.seal(member, chain.head()), "block has no transactions");
    }

    @Test
    void oversizedBlockIsRejected() throws Exception {
        // file adds with the longest paths allowed (a FileAdd is small now: its chunk hashes are off the chain),
        // as many as make a block just over the limit; half of them fit
        String dir = "d".repeat(FilePaths.MAX_LENGTH - 12) + "/";
        List<Transaction> adds = new java.util.ArrayList<>();
        long bytes = 0;
        for (int i = 0; bytes <= RuleContext.DEFAULT_MAX_BLOCK_BYTES; i++) {
            Transaction t = f.txs(member).fileAdd(dir + i + ".bin", 1, ChainFixture.CHUNK, f.randomBytes(32), 1);
            adds.add(t);
            bytes += t.encodedSize();
        }
        validator.validate(
                f.seal(member, chain.head(), adds.subList(0, adds.size() / 2).toArray(Transaction[]::new)),
                chain.head(),
                chain.stateSource());
        assertRejected(
                f.seal(member, chain.head(), adds.toArray(Transaction[]::new)),
                "bytes, over " + RuleContext.DEFAULT_MAX_BLOCK_BYTES);
    }

    @Test
    void sealerKeyThatIsNotACurvePointIsInvalidNotACrash() {
        byte[] notAPoint = notACurvePoint();
        List<SignedTransaction> txs = ChainFixture.protos(someTx());
        io.swiftserve.proto.BlockHeader header = f.header(member, chain.head(), txs)
                .setSealer(ByteString.copyFrom(notAPoint))
                .build();
        Block block = ChainFixture.forge(member, header, txs);

        ImportResult result = chain.importBlock(block);

        assertThat(result.status()).isEqualTo(Status.INVALID);
        assertThat(result.reason()).contains("block signature invalid");
    }

    @Test
    void transactionSignerThatIsNotACurvePointIsInvalidNotACrash() throws Exception {
        SignedTransaction signed = someTx().toProto();
        TransactionBody body = TransactionBody.parseFrom(signed.getBody()).toBuilder()
                .setSigner(ByteString.copyFrom(notACurvePoint()))
                .build();
        List<SignedTransaction> txs =
                List.of(signed.toBuilder().setBody(body.toByteString()).build());
        Block block =
                ChainFixture.forge(member, f.header(member, chain.head(), txs).build(), txs);

        ImportResult result = chain.importBlock(block);

        assertThat(result.status()).isEqualTo(Status.INVALID);
        assertThat(result.reason()).contains("signature invalid");
    }

    static byte[] notACurvePoint() {
        Random random = new Random(7);
        while (true) {
            byte[] candidate = new byte[32];
            random.nextBytes(candidate);
            try {
                new Ed25519PublicKeyParameters(candidate, 0);
            } catch (IllegalArgumentException e) {
                return candidate;
            }
        }
    }
}

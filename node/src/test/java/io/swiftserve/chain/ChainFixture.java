package io.swiftserve.chain;

import static org.assertj.core.api.Assertions.assertThat;

import com.google.protobuf.ByteString;
import io.swiftserve.identity.NodeKey;
import io.swiftserve.identity.Signatures;
import io.swiftserve.proto.SignedTransaction;
import io.swiftserve.store.InMemoryStore;
import io.swiftserve.store.KeyValueStore;
import io.swiftserve.store.RocksDbStore;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HexFormat;
import java.util.List;
import java.util.Random;
import java.util.stream.Collectors;

/**
 * One test network: a founder, its genesis block, a settable clock, and helpers to sign
 * transactions, seal blocks (on a chain or off-chain, for branches) and forge block protos.
 */
final class ChainFixture {
    static final long T0 = 1_700_000_000_000L;
    static final int CHUNK = TransactionRules.MIN_CHUNK_SIZE;

    final TestClock clock = new TestClock(T0);
    final NodeKey founder = NodeKey.generate();
    final Block genesis = Genesis.create(founder, "test-net", clock);
    final Hash networkId = genesis.hash();
    private final Random random = new Random(42);

    Blockchain newChain(KeyValueStore store) {
        try {
            return Blockchain.initialize(store, genesis, clock);
        } catch (InvalidException e) {
            throw new AssertionError(e);
        }
    }

    static KeyValueStore openStore(String kind, Path dir) {
        return kind.equals("rocksdb") ? RocksDbStore.open(dir) : new InMemoryStore();
    }

    Transactions txs(NodeKey key) {
        return new Transactions(key, networkId, clock);
    }

    InviteToken invite(NodeKey inviter) {
        return InviteToken.create(inviter, networkId, Duration.ofHours(1), List.of("10.0.0.1:8000"), clock);
    }

    Transaction join(NodeKey inviter, NodeKey joiner) {
        return txs(joiner).join(invite(inviter));
    }

    /** A valid two-chunk file add. */
    Transaction fileAdd(NodeKey key, String path, long version) {
        return txs(key).fileAdd(path, 2L * CHUNK - 1, CHUNK, randomBytes(64), version);
    }

    byte[] randomBytes(int n) {
        byte[] b = new byte[n];
        random.nextBytes(b);
        return b;
    }

    /** Seals off-chain on {@code parent}, at the clock's time but never before the parent. */
    Block seal(NodeKey sealer, Block parent, Transaction... txs) {
        return sealAt(sealer, parent, Math.max(clock.millis(), parent.header().timestampMs() + 1), txs);
    }

    Block sealAt(NodeKey sealer, Block parent, long timestampMs, Transaction... txs) {
        return Block.seal(sealer, networkId, parent.height() + 1, parent.hash(), timestampMs, List.of(txs));
    }

    /** Seals a block whose hash is greater than {@code rival}'s, so it loses a tie against it. */
    Block sealLosingTieTo(Block rival, NodeKey sealer, Block parent, Transaction... txs) {
        long ts = Math.max(clock.millis(), parent.header().timestampMs() + 1);
        for (int i = 0; ; i++) {
            Block b = sealAt(sealer, parent, ts + i, txs);
            if (b.hash().compareTo(rival.hash()) > 0) {
                return b;
            }
        }
    }

    /** Seals on the chain's head and imports; the block must extend the chain. */
    Block extend(Blockchain chain, NodeKey sealer, Transaction... txs) {
        Block b = seal(sealer, chain.head(), txs);
        ImportResult r = chain.importBlock(b);
        assertThat(r.status()).as("import of %s: %s", b, r.reason()).isEqualTo(ImportResult.Status.EXTENDED);
        return b;
    }

    /** Imports every block in order; returns the last result. */
    static ImportResult importAll(Blockchain chain, List<Block> blocks) {
        ImportResult last = null;
        for (Block b : blocks) {
            last = chain.importBlock(b);
            assertThat(last.status())
                    .as("import of %s: %s", b, last.reason())
                    .isNotEqualTo(ImportResult.Status.INVALID);
        }
        return last;
    }

    /** A header proto for a block on {@code parent} sealed by {@code sealer}, tx root matching {@code txs}. */
    io.swiftserve.proto.BlockHeader.Builder header(NodeKey sealer, Block parent, List<SignedTransaction> txs) {
        return io.swiftserve.proto.BlockHeader.newBuilder()
                .setNetworkId(ByteString.copyFrom(networkId.bytes()))
                .setHeight(parent.height() + 1)
                .setParentHash(ByteString.copyFrom(parent.hash().bytes()))
                .setTimestampMs(parent.header().timestampMs() + 1)
                .setSealer(ByteString.copyFrom(sealer.id().bytes()))
                .setTxRoot(ByteString.copyFrom(txRoot(txs).bytes()));
    }

    /** Builds a block from a hand-made header, signed by {@code signer} over the exact header bytes. */
    static Block forge(NodeKey signer, io.swiftserve.proto.BlockHeader header, List<SignedTransaction> txs) {
        byte[] bytes = header.toByteArray();
        try {
            return Block.fromProto(io.swiftserve.proto.Block.newBuilder()
                    .setHeader(ByteString.copyFrom(bytes))
                    .setSignature(ByteString.copyFrom(signer.sign(Signatures.Domain.BLOCK, bytes)))
                    .addAllTransactions(txs)
                    .build());
        } catch (InvalidException e) {
            throw new AssertionError(e);
        }
    }

    static Hash txRoot(List<SignedTransaction> txs) {
        List<Transaction> parsed = new ArrayList<>();
        for (SignedTransaction tx : txs) {
            try {
                parsed.add(Transaction.fromProto(tx));
            } catch (InvalidException e) {
                throw new AssertionError(e);
            }
        }
        return Block.txRoot(parsed);
    }

    static List<SignedTransaction> protos(Transaction... txs) {
        return Arrays.stream(txs).map(Transaction::toProto).toList();
    }

    /** Main chain, genesis first. */
    static List<Block> mainChain(Blockchain chain) {
        List<Block> out = new ArrayList<>();
        for (long h = 0; h <= chain.height(); h++) {
            out.add(chain.blockAt(h).orElseThrow());
        }
        return out;
    }

    /** Members and files as comparable text (records with byte[] fields do not compare by content). */
    static String describe(LedgerState state) {
        String members = state.members().stream()
                .map(m -> m.id().shortId() + "@" + m.seniority() + " by "
                        + m.invitedBy().shortId())
                .collect(Collectors.joining(", "));
        String files = state.files().stream()
                .map(f -> f.path() + " v" + f.version() + " " + f.fileId().shortHex() + " " + f.size())
                .collect(Collectors.joining(", "));
        return "members [" + members + "] files [" + files + "]";
    }

    /** Every raw state entry (members, revocations, used invites, included transactions, files) as hex lines. */
    static List<String> rawState(Blockchain chain) {
        List<String> out = new ArrayList<>();
        HexFormat hex = HexFormat.of();
        chain.stateSource().scan(new byte[0], (k, v) -> out.add(hex.formatHex(k) + "=" + hex.formatHex(v)));
        return out;
    }

    /** A clock tests move by hand. */
    static final class TestClock extends Clock {
        private volatile long millis;

        TestClock(long millis) {
            this.millis = millis;
        }

        void advance(Duration d) {
            millis += d.toMillis();
        }

        @Override
        public long millis() {
            return millis;
        }

        @Override
        public Instant instant() {
            return Instant.ofEpochMilli(millis);
        }

        @Override
        public java.time.ZoneId getZone() {
            return ZoneOffset.UTC;
        }

        @Override
        public Clock withZone(java.time.ZoneId zone) {
            return this;
        }
    }
}

package io.swiftserve.bench;

import io.swiftserve.chain.Block;
import io.swiftserve.chain.Blockchain;
import io.swiftserve.chain.Genesis;
import io.swiftserve.chain.Hash;
import io.swiftserve.chain.ImportResult;
import io.swiftserve.chain.InvalidException;
import io.swiftserve.chain.Transaction;
import io.swiftserve.chain.TransactionRules;
import io.swiftserve.chain.Transactions;
import io.swiftserve.identity.NodeId;
import io.swiftserve.identity.NodeKey;
import io.swiftserve.identity.Signatures;
import io.swiftserve.proto.SignedTransaction;
import io.swiftserve.store.InMemoryStore;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.AuxCounters;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OperationsPerInvocation;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;

/**
 * Block import as a syncing node does it: Blockchain.importBlock of sealed blocks of file-add
 * transactions, each Ed25519-signed, into an in-memory store so the figure is validation and state
 * bookkeeping, not disk. The raw Ed25519 verify of one such transaction is the floor per
 * transaction; tx/s divided by verifies/s says how close import comes to it.
 * The primary score is blocks/s; the "transactions" counter is tx/s.
 */
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.SECONDS)
public class BlockImportBenchmark {
    /** Blocks per invocation: long enough that the per-invocation fresh chain costs no timer noise. */
    static final int BLOCKS = 16;

    private static final long T0 = 1_700_000_000_000L;
    /* Fixed, so the timestamp rule never sees a block from the future however long a run takes. */
    private static final Clock CLOCK = Clock.fixed(Instant.ofEpochMilli(T0), ZoneOffset.UTC);

    /** A network, and a branch of BLOCKS blocks on its genesis sealed once per trial. */
    @State(Scope.Thread)
    public static class Branch {
        @Param({"1", "64"})
        public int txPerBlock;

        Block genesis;
        List<io.swiftserve.proto.Block> sealed;
        List<Block> blocks;
        Blockchain chain;

        @Setup(Level.Trial)
        public void seal() {
            NodeKey founder = NodeKey.generate();
            genesis = Genesis.create(founder, "bench-net", CLOCK);
            Transactions txs = new Transactions(founder, genesis.hash(), CLOCK);
            SplittableRandom random = new SplittableRandom(7);
            sealed = new ArrayList<>();
            Block parent = genesis;
            for (int height = 1; height <= BLOCKS; height++) {
                List<Transaction> content = new ArrayList<>();
                for (int i = 0; i < txPerBlock; i++) {
                    content.add(fileAdd(txs, random, "b" + height + "/f" + i));
                }
                parent = Block.seal(founder, genesis.hash(), height, parent.hash(), T0 + height, content);
                sealed.add(parent.toProto());
            }
        }

        /*
         * Importing extends the chain and marks every transaction included, so the same blocks only
         * import again into a new chain; and a Block remembers that its signatures verified, so each
         * invocation imports blocks freshly parsed from their wire form, as a peer's arrive. Not
         * timed; an invocation is milliseconds, far above the timer's resolution.
         */
        @Setup(Level.Invocation)
        public void freshChain() throws InvalidException {
            chain = Blockchain.initialize(new InMemoryStore(), genesis, CLOCK);
            blocks = new ArrayList<>();
            for (io.swiftserve.proto.Block proto : sealed) {
                blocks.add(Block.fromProto(proto));
            }
        }
    }

    /** Transactions imported, reported by JMH as a rate next to the blocks/s score. */
    @State(Scope.Thread)
    @AuxCounters(AuxCounters.Type.OPERATIONS)
    public static class Imported {
        public long transactions;

        @Setup(Level.Iteration)
        public void reset() {
            transactions = 0;
        }
    }

    /** One signed file-add transaction as bytes off the wire, for the raw verify. */
    @State(Scope.Thread)
    public static class SignedTx {
        NodeId signer;
        byte[] body;
        byte[] signature;

        @Setup(Level.Trial)
        public void sign() {
            NodeKey key = NodeKey.generate();
            Hash network = Genesis.create(key, "bench-net", CLOCK).hash();
            SignedTransaction tx = fileAdd(new Transactions(key, network, CLOCK), new SplittableRandom(7), "f")
                    .toProto();
            signer = key.id();
            body = tx.getBody().toByteArray();
            signature = tx.getSignature().toByteArray();
            if (!Signatures.verify(signer, Signatures.Domain.TRANSACTION, body, signature)) {
                throw new IllegalStateException("a freshly signed transaction does not verify");
            }
        }
    }

    @Benchmark
    @OperationsPerInvocation(BLOCKS)
    public Block importBlocks(Branch branch, Imported imported) {
        for (Block block : branch.blocks) {
            ImportResult result = branch.chain.importBlock(block);
            if (result.status() != ImportResult.Status.EXTENDED) {
                throw new IllegalStateException("import of " + block + ": " + result.status() + " " + result.reason());
            }
            imported.transactions += block.transactions().size();
        }
        return branch.chain.head();
    }

    @Benchmark
    public boolean ed25519Verify(SignedTx tx) {
        return Signatures.verify(tx.signer, Signatures.Domain.TRANSACTION, tx.body, tx.signature);
    }

    /** A two-chunk file, the shape the chain's own tests use. */
    private static Transaction fileAdd(Transactions txs, SplittableRandom random, String path) {
        byte[] chunkHashes = new byte[64];
        random.nextBytes(chunkHashes);
        int chunk = TransactionRules.MIN_CHUNK_SIZE;
        return txs.fileAdd(path, 2L * chunk - 1, chunk, chunkHashes, 1);
    }
}

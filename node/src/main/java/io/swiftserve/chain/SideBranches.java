package io.swiftserve.chain;

import io.swiftserve.identity.NodeId;
import io.swiftserve.proto.TransactionBody;
import io.swiftserve.store.Bytes;
import io.swiftserve.store.KeyValueStore;
import io.swiftserve.store.Segment;
import java.nio.ByteBuffer;
import java.util.Optional;
import java.util.function.Function;

/**
 * What a node stores of blocks off its main chain. Side blocks pass only stateless checks when they
 * arrive (their parent state is not at hand), so two limits keep them from being free storage for
 * anyone: the sealer must be a key this network knows (a member, a revoked key, or a key that joined
 * on the same side branch) and the side blocks stored together stay under a byte cap. Their sizes
 * are indexed in META under {@code side/} so the total survives restarts.
 */
final class SideBranches {
    static final long DEFAULT_CAP = 64L << 20;
    private static final String PREFIX = "side/";

    private final KeyValueStore store;
    private long cap = DEFAULT_CAP;
    private long bytes;

    SideBranches(KeyValueStore store) {
        this.store = store;
        store.scan(
                Segment.META,
                PREFIX.getBytes(java.nio.charset.StandardCharsets.US_ASCII),
                (k, v) -> bytes += ByteBuffer.wrap(v).getInt());
    }

    void cap(long capBytes) {
        cap = capBytes;
    }

    long bytes() {
        return bytes;
    }

    /** Why {@code block} (of {@code size} bytes) may not be stored as a side block, if it may not. */
    Optional<String> refusal(
            Block block,
            int size,
            LedgerState head,
            Function<Hash, Optional<Block>> stored,
            java.util.function.Predicate<Block> onMainChain) {
        NodeId sealer = block.header().sealer();
        if (head.member(sealer).isEmpty()
                && !head.isRevoked(sealer)
                && !joinedOnBranch(block, sealer, stored, onMainChain)) {
            return Optional.of("side-branch block sealed by " + sealer.shortId() + ", who was never a member");
        }
        if (bytes + size > cap) {
            return Optional.of("side-branch storage is full (" + bytes + " of " + cap + " bytes)");
        }
        return Optional.empty();
    }

    /** A key may seal on a side branch where an earlier block of that branch sealed its join. */
    private static boolean joinedOnBranch(
            Block block,
            NodeId sealer,
            Function<Hash, Optional<Block>> stored,
            java.util.function.Predicate<Block> onMainChain) {
        Optional<Block> cursor = stored.apply(block.parentHash());
        while (cursor.isPresent() && !onMainChain.test(cursor.get())) {
            for (Transaction tx : cursor.get().transactions()) {
                if (tx.kind() == TransactionBody.KindCase.JOIN && tx.signer().equals(sealer)) {
                    return true;
                }
            }
            cursor = stored.apply(cursor.get().parentHash());
        }
        return false;
    }

    /** {@code block} is stored off the main chain (arrived on a side branch, or dropped by a reorg). */
    void off(KeyValueStore.Batch batch, Block block, int size) {
        batch.put(Segment.META, key(block), ByteBuffer.allocate(4).putInt(size).array());
        bytes += size;
    }

    /** {@code block} joined the main chain or was forgotten. */
    void leaving(KeyValueStore.Batch batch, Block block) {
        byte[] key = key(block);
        store.get(Segment.META, key).ifPresent(v -> {
            bytes -= ByteBuffer.wrap(v).getInt();
            batch.delete(Segment.META, key);
        });
    }

    private static byte[] key(Block block) {
        return Bytes.prefixed(
                PREFIX, Bytes.concat(Bytes.longKey(block.height()), block.hash().bytes()));
    }
}

package io.swiftserve.gossip;

import com.google.protobuf.ByteString;
import io.swiftserve.chain.Block;
import io.swiftserve.chain.Blockchain;
import io.swiftserve.chain.Hash;
import io.swiftserve.chain.ImportResult;
import io.swiftserve.net.PeerNetwork;
import io.swiftserve.net.PeerSession;
import io.swiftserve.proto.BlockInv;
import io.swiftserve.proto.Envelope;
import io.swiftserve.proto.GetBlockData;
import io.swiftserve.proto.NewBlock;
import io.swiftserve.util.Ambient;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.BiFunction;
import java.util.function.Consumer;

/**
 * Spreads new blocks by hash: a node announces a block it sealed or adopted with {@code BlockInv},
 * and a peer that lacks it asks with {@code GetBlockData} and gets it as {@code NewBlock}. Flooding
 * whole blocks made every node receive each block once per peer and parse every copy; now the
 * copies are 32-byte hashes, recognised without parsing anything, and the block crosses each node's
 * link once (a second announcer is asked only if the first has not delivered within
 * {@link #RETRY_MS}). The sealer alone sends a new block whole ({@link #pushSealed}). A node far behind
 * the announced height syncs with {@code GetBlocks} instead.
 * Runs on the chain thread.
 */
final class BlockRelay {
    static final int MAX_HASHES = 64;
    static final long RETRY_MS = 3_000;
    /** Further behind than this, an announcement starts a locator sync rather than a fetch by hash. */
    static final long SYNC_GAP = 8;
    /** Larger sealed blocks go out by announcement, like relayed ones. */
    static final int PUSH_MAX_BYTES = 64 * 1024;

    private static final int MAX_WANTED = 4_096;

    private final Blockchain chain;
    private final PeerNetwork network;
    private final BiFunction<PeerSession, io.swiftserve.proto.Block, ImportResult> importer;
    private final Consumer<PeerSession> syncFrom;
    /** Blocks asked for and when, so a block announced by many peers is fetched from one. */
    private final Map<Hash, Long> asked = new HashMap<>();

    BlockRelay(
            Blockchain chain,
            PeerNetwork network,
            BiFunction<PeerSession, io.swiftserve.proto.Block, ImportResult> importer,
            Consumer<PeerSession> syncFrom) {
        this.chain = chain;
        this.network = network;
        this.importer = importer;
        this.syncFrom = syncFrom;
    }

    /** Tells every member peer but {@code except} that this node holds {@code block}. */
    void announce(Block block, PeerSession except) {
        network.broadcast(inv(block), except);
    }

    /**
     * Sends a block this node sealed whole to every member peer. None of them can hold it yet, so an
     * announcement would only cost each of them a round trip through this node's chain thread, the
     * busiest moment of an add, before its download could start. Blocks over {@link #PUSH_MAX_BYTES}
     * are announced instead, so that a peer's link carries a large block once, from whoever it asks.
     */
    void pushSealed(Block block) {
        io.swiftserve.proto.Block proto = block.toProto();
        if (proto.getSerializedSize() > PUSH_MAX_BYTES) {
            announce(block, null);
            return;
        }
        network.broadcast(
                Envelope.newBuilder()
                        .setNewBlock(NewBlock.newBuilder().setBlock(proto))
                        .build(),
                null);
    }

    static Envelope inv(Block block) {
        return Envelope.newBuilder()
                .setBlockInv(BlockInv.newBuilder()
                        .addHashes(ByteString.copyFrom(block.hash().bytes()))
                        .setHeight(block.height()))
                .build();
    }

    void onInv(PeerSession from, BlockInv inv) {
        if (inv.getHeight() > chain.height() + SYNC_GAP) {
            syncFrom.accept(from);
            return;
        }
        long now = Ambient.currentTimeMillis();
        if (asked.size() > MAX_WANTED) {
            asked.values().removeIf(t -> now - t > RETRY_MS);
        }
        GetBlockData.Builder want = GetBlockData.newBuilder();
        for (ByteString h : inv.getHashesList().subList(0, Math.min(inv.getHashesCount(), MAX_HASHES))) {
            if (h.size() != 32) {
                continue;
            }
            Hash hash = Hash.of(h.toByteArray());
            Long when = asked.get(hash);
            if (chain.contains(hash) || (when != null && now - when < RETRY_MS)) {
                continue;
            }
            asked.put(hash, now);
            want.addHashes(h);
        }
        if (want.getHashesCount() > 0) {
            from.send(Envelope.newBuilder().setGetBlockData(want).build());
        }
    }

    void onGetBlockData(PeerSession from, GetBlockData req) {
        for (ByteString h : req.getHashesList().subList(0, Math.min(req.getHashesCount(), MAX_HASHES))) {
            if (h.size() == 32) {
                Optional<Block> block = chain.block(Hash.of(h.toByteArray()));
                block.ifPresent(b -> from.send(Envelope.newBuilder()
                        .setNewBlock(NewBlock.newBuilder().setBlock(b.toProto()))
                        .build()));
            }
        }
    }

    /** A block, asked for or pushed: imported, then announced onward if it moved the head. */
    void onNewBlock(PeerSession from, NewBlock msg) {
        ImportResult r = importer.apply(from, msg.getBlock());
        if (r == null) {
            return;
        }
        List<Block> adopted = new ArrayList<>();
        switch (r.status()) {
            case EXTENDED, REORGED -> adopted.addAll(r.added());
            case ORPHAN -> syncFrom.accept(from);
            default -> {}
        }
        adopted.forEach(b -> asked.remove(b.hash()));
        if (!adopted.isEmpty()) {
            announce(adopted.get(adopted.size() - 1), from);
        }
    }
}

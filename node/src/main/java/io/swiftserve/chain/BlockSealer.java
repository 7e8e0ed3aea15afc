package io.swiftserve.chain;

import io.swiftserve.identity.NodeKey;
import java.time.Clock;
import java.util.List;
import java.util.Optional;

/** Seals the sealable pool content into a block on top of the head and imports it. */
public final class BlockSealer {
    private final Blockchain chain;
    private final TransactionPool pool;
    private final NodeKey key;
    private final Clock clock;

    public BlockSealer(Blockchain chain, TransactionPool pool, NodeKey key, Clock clock) {
        this.chain = chain;
        this.pool = pool;
        this.key = key;
        this.clock = clock;
    }

    /** Returns the sealed block when one was made and became the head. */
    public Optional<Block> sealNow() {
        synchronized (chain) {
            if (!chain.state().isMember(key.id())) {
                return Optional.empty();
            }
            Block head = chain.head();
            long ts = Math.max(clock.millis(), head.header().timestampMs());
            List<Transaction> txs = pool.selectForBlock(ts, chain.ruleContext().maxBlockBytes() - 1024);
            if (txs.isEmpty()) {
                return Optional.empty();
            }
            Block block = Block.seal(key, chain.networkId(), head.height() + 1, head.hash(), ts, txs);
            ImportResult result = chain.importBlock(block);
            if (!result.changedHead()) {
                throw new IllegalStateException("own block " + block + " was not accepted: " + result);
            }
            return Optional.of(block);
        }
    }
}

package io.swiftserve.sim;

import io.swiftserve.chain.Block;
import io.swiftserve.chain.Blockchain;
import io.swiftserve.chain.Genesis;
import io.swiftserve.chain.ImportResult;
import io.swiftserve.chain.InvalidException;
import io.swiftserve.chain.InviteToken;
import io.swiftserve.chain.Transaction;
import io.swiftserve.chain.Transactions;
import io.swiftserve.identity.NodeKey;
import io.swiftserve.store.InMemoryStore;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;

/**
 * The chain a simulated fleet starts from: the founder's genesis, then every other member's join
 * (each through its own invite, as {@code swiftserve invite} and {@code --join} make them), sealed
 * by the founder in blocks of at most {@value #JOINS_PER_BLOCK}. Built and verified once; every node
 * starts from a copy of the same store.
 */
final class Fleet {
    static final int JOINS_PER_BLOCK = 200;

    private Fleet() {}

    /** Keys derived from the seed, so a run is repeatable down to its node ids. */
    static List<NodeKey> keys(int n, long seed) {
        Random r = new Random(seed ^ 0x5eed5eedL);
        List<NodeKey> keys = new ArrayList<>();
        for (int i = 0; i < n; i++) {
            byte[] s = new byte[32];
            r.nextBytes(s);
            keys.add(NodeKey.fromSeed(s));
        }
        return keys;
    }

    static InMemoryStore chain(List<NodeKey> keys, String founderAddress, Clock clock) {
        NodeKey founder = keys.get(0);
        InMemoryStore store = new InMemoryStore();
        try {
            Blockchain chain = Blockchain.initialize(store, Genesis.create(founder, "sim", clock), clock);
            List<Transaction> joins = new ArrayList<>();
            for (NodeKey k : keys.subList(1, keys.size())) {
                InviteToken invite = InviteToken.create(
                        founder, chain.networkId(), Duration.ofDays(1), List.of(founderAddress), clock);
                joins.add(new Transactions(k, chain.networkId(), clock).join(invite));
            }
            for (int from = 0; from < joins.size(); from += JOINS_PER_BLOCK) {
                Block head = chain.head();
                Block b = Block.seal(
                        founder,
                        chain.networkId(),
                        head.height() + 1,
                        head.hash(),
                        clock.millis(),
                        joins.subList(from, Math.min(joins.size(), from + JOINS_PER_BLOCK)));
                ImportResult r = chain.importBlock(b);
                if (!r.changedHead()) {
                    throw new IllegalStateException("the fleet's join block was refused: " + r);
                }
            }
        } catch (InvalidException e) {
            throw new IllegalStateException("the fleet's genesis was refused: " + e.getMessage(), e);
        }
        return store;
    }
}

package io.swiftserve.chain;

import io.swiftserve.identity.NodeKey;
import java.time.Clock;
import java.util.List;

/** The founding block of a network; its hash is the network id. */
public final class Genesis {
    private Genesis() {}

    public static Block create(NodeKey founder, String networkName, Clock clock) {
        Transaction tx = Transactions.genesis(founder, networkName, clock);
        return Block.seal(founder, null, 0, Hash.ZERO, clock.millis(), List.of(tx));
    }
}

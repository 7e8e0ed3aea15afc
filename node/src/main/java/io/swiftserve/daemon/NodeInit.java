package io.swiftserve.daemon;

import io.swiftserve.chain.Block;
import io.swiftserve.chain.Blockchain;
import io.swiftserve.chain.Genesis;
import io.swiftserve.chain.InvalidException;
import io.swiftserve.identity.KeyFile;
import io.swiftserve.identity.NodeKey;
import io.swiftserve.store.RocksDbStore;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;

/** {@code swiftserve init}: a new identity and a genesis block; this node founds the network. */
public final class NodeInit {
    public static final String DB_DIR = "db";

    private NodeInit() {}

    public record Founded(NodeKey key, Block genesis) {}

    public static Founded found(Path dataDir, String networkName, Clock clock) throws IOException {
        if (Files.exists(dataDir.resolve(DB_DIR))) {
            throw new IOException(dataDir + " already holds a node (" + dataDir.resolve(DB_DIR) + " exists)");
        }
        NodeKey key = KeyFile.loadOrCreate(dataDir);
        Block genesis = Genesis.create(key, networkName, clock);
        try (RocksDbStore store = RocksDbStore.open(dataDir.resolve(DB_DIR))) {
            Blockchain.initialize(store, genesis, clock);
        } catch (InvalidException e) {
            throw new IOException("cannot write the genesis block: " + e.getMessage());
        }
        return new Founded(key, genesis);
    }
}

package io.swiftserve.tools;

import com.fasterxml.jackson.databind.JsonNode;
import io.swiftserve.admin.AdminClient;
import io.swiftserve.admin.AdminServer;
import io.swiftserve.chain.Blockchain;
import io.swiftserve.chain.Hash;
import io.swiftserve.daemon.NodeInit;
import io.swiftserve.store.RocksDbStore;
import io.swiftserve.store.StoreException;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.util.Map;
import java.util.Optional;

/**
 * The network id of a data dir, for the handshake of {@code proto call --data DIR}. A running
 * daemon holds the store locked, so it is asked over its admin channel ({@code GET /v1/status});
 * a stopped node's store is opened and its genesis read.
 */
public final class NetworkIds {
    private NetworkIds() {}

    public static Hash of(Path dataDir) throws IOException {
        if (Files.exists(dataDir.resolve(AdminServer.PORT_FILE))) {
            try {
                JsonNode status = new AdminClient(dataDir).get("/status", Map.of());
                return parse(status.path("networkId").asText(), "the daemon of " + dataDir);
            } catch (AdminClient.NotRunningException e) {
                // a port file left behind by a daemon that died: the store is free, read it below
            } catch (AdminClient.RequestException e) {
                throw new IOException("the daemon of " + dataDir + " did not tell its network id: " + e.getMessage()
                        + "; pass --network-id HEX");
            }
        }
        Path db = dataDir.resolve(NodeInit.DB_DIR);
        if (!Files.isDirectory(db)) {
            throw new IOException(dataDir + " holds no network (no " + db.getFileName() + "/); pass --network-id HEX");
        }
        Optional<Hash> id;
        try (RocksDbStore store = RocksDbStore.open(db)) {
            id = Blockchain.open(store, Clock.systemUTC()).map(Blockchain::networkId);
        } catch (StoreException e) {
            throw new IOException("cannot read the network id of " + dataDir + " (is its daemon starting?): "
                    + e.getMessage() + "; pass --network-id HEX");
        }
        return id.orElseThrow(() -> new IOException(dataDir + " holds no network yet; pass --network-id HEX"));
    }

    /** A network id in hex, as {@code swiftserve status} prints it. */
    public static Hash parse(String hex, String from) throws IOException {
        try {
            return Hash.parse(hex.trim());
        } catch (IllegalArgumentException e) {
            throw new IOException("'" + hex + "' from " + from + " is not a network id (64 hex digits)");
        }
    }
}

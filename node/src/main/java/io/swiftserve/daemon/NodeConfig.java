package io.swiftserve.daemon;

import io.swiftserve.net.Transport;
import java.net.InetSocketAddress;
import java.nio.file.Path;
import java.util.List;

/**
 * Everything a node needs to start. {@code host} is the address advertised to peers; the server
 * binds {@code bindHost} (by default the same). {@code port} 0 picks a free port. The status page
 * listens on {@code statusHost:statusPort} (port 0 = any free port, -1 = off). {@code transport} is how
 * peer connections are carried (TLS unless cleartext was chosen explicitly).
 */
public record NodeConfig(Path dataDir, String host, String bindHost, int port, String joinToken,
                         List<InetSocketAddress> bootstrap, Path shareDir, String statusHost, int statusPort,
                         int maxPeers, Transport transport) {

    public static NodeConfig local(Path dataDir) {
        return new NodeConfig(dataDir, "127.0.0.1", "127.0.0.1", 0, null, List.of(), null, "127.0.0.1", 0, 64, Transport.TLS);
    }

    public NodeConfig withJoin(String token) {
        return new NodeConfig(dataDir, host, bindHost, port, token, bootstrap, shareDir, statusHost, statusPort, maxPeers, transport);
    }

    public NodeConfig withPort(int p) {
        return new NodeConfig(dataDir, host, bindHost, p, joinToken, bootstrap, shareDir, statusHost, statusPort, maxPeers, transport);
    }

    public NodeConfig withBootstrap(List<InetSocketAddress> peers) {
        return new NodeConfig(dataDir, host, bindHost, port, joinToken, peers, shareDir, statusHost, statusPort, maxPeers, transport);
    }

    public NodeConfig withStatus(String host, int p) {
        return new NodeConfig(dataDir, this.host, bindHost, port, joinToken, bootstrap, shareDir, host, p, maxPeers, transport);
    }

    public NodeConfig withShareDir(Path dir) {
        return new NodeConfig(dataDir, host, bindHost, port, joinToken, bootstrap, dir, statusHost, statusPort, maxPeers, transport);
    }

    public NodeConfig withTransport(Transport t) {
        return new NodeConfig(dataDir, host, bindHost, port, joinToken, bootstrap, shareDir, statusHost, statusPort, maxPeers, t);
    }

    public Path effectiveShareDir() {
        return shareDir != null ? shareDir : dataDir.resolve("files");
    }
}

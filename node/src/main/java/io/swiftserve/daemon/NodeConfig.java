package io.swiftserve.daemon;

import io.swiftserve.admin.StatusAccess;
import io.swiftserve.gossip.Overlay;
import io.swiftserve.net.Transport;
import io.swiftserve.transfer.LocalPolicy;
import java.net.InetSocketAddress;
import java.nio.file.Path;
import java.util.List;
import java.util.function.Consumer;

/**
 * Everything a node needs to start. {@code host} is the address advertised to peers; the server
 * binds {@code bindHost} (by default the same). {@code port} 0 picks a free port. The status page
 * listens on {@code statusHost:statusPort} (port 0 = any free port, -1 = off), opened as
 * {@code statusAccess} says (read token, public, extra host names). {@code fetchAllow}: address
 * blocks (CIDR) beyond the public internet that this node may fetch from as a helper.
 * {@code transport} is how peer connections are carried (TLS unless cleartext was chosen).
 * {@code overlay}: how many peers to dial and accept, and how often to swap one. {@code localChanges}:
 * what happens to a file edited or deleted under the share directory, and how long old versions are kept.
 */
public record NodeConfig(
        Path dataDir,
        String host,
        String bindHost,
        int port,
        String joinToken,
        List<InetSocketAddress> bootstrap,
        Path shareDir,
        String statusHost,
        int statusPort,
        Overlay.Options overlay,
        StatusAccess.Options statusAccess,
        List<String> fetchAllow,
        Transport transport,
        String onComplete,
        LocalPolicy localChanges) {

    public NodeConfig {
        localChanges = localChanges == null ? LocalPolicy.DEFAULT : localChanges;
        fetchAllow = fetchAllow == null ? List.of() : List.copyOf(fetchAllow);
        transport = transport == null ? Transport.TLS : transport;
        overlay = overlay == null ? Overlay.Options.DEFAULT : overlay;
    }

    public static NodeConfig local(Path dataDir) {
        return new NodeConfig(
                dataDir,
                "127.0.0.1",
                "127.0.0.1",
                0,
                null,
                List.of(),
                null,
                "127.0.0.1",
                0,
                Overlay.Options.DEFAULT,
                StatusAccess.Options.DEFAULT,
                List.of(),
                Transport.TLS,
                null,
                LocalPolicy.DEFAULT);
    }

    public NodeConfig withJoin(String token) {
        return copy(f -> f.joinToken = token);
    }

    public NodeConfig withPort(int p) {
        return copy(f -> f.port = p);
    }

    public NodeConfig withBootstrap(List<InetSocketAddress> peers) {
        return copy(f -> f.bootstrap = peers);
    }

    public NodeConfig withStatus(String statusHost, int statusPort) {
        return copy(f -> {
            f.statusHost = statusHost;
            f.statusPort = statusPort;
        });
    }

    public NodeConfig withStatusAccess(StatusAccess.Options access) {
        return copy(f -> f.statusAccess = access);
    }

    public NodeConfig withShareDir(Path dir) {
        return copy(f -> f.shareDir = dir);
    }

    public NodeConfig withFetchAllow(List<String> cidrs) {
        return copy(f -> f.fetchAllow = cidrs);
    }

    public NodeConfig withOverlay(Overlay.Options o) {
        return copy(f -> f.overlay = o);
    }

    public NodeConfig withTransport(Transport t) {
        return copy(f -> f.transport = t);
    }

    /** A shell command run each time a version becomes complete here; null: none. */
    public NodeConfig withOnComplete(String command) {
        return copy(f -> f.onComplete = command);
    }

    public NodeConfig withLocalChanges(LocalPolicy p) {
        return copy(f -> f.localChanges = p);
    }

    public Path effectiveShareDir() {
        return shareDir != null ? shareDir : dataDir.resolve("files");
    }

    private NodeConfig copy(Consumer<Fields> change) {
        Fields f = new Fields(this);
        change.accept(f);
        return new NodeConfig(
                f.dataDir,
                f.host,
                f.bindHost,
                f.port,
                f.joinToken,
                f.bootstrap,
                f.shareDir,
                f.statusHost,
                f.statusPort,
                f.overlay,
                f.statusAccess,
                f.fetchAllow,
                f.transport,
                f.onComplete,
                f.localChanges);
    }

    /** The fields as plain variables, so each wither names only what it changes. */
    private static final class Fields {
        Path dataDir;
        String host;
        String bindHost;
        int port;
        String joinToken;
        List<InetSocketAddress> bootstrap;
        Path shareDir;
        String statusHost;
        int statusPort;
        Overlay.Options overlay;
        StatusAccess.Options statusAccess;
        List<String> fetchAllow;
        Transport transport;
        String onComplete;
        LocalPolicy localChanges;

        Fields(NodeConfig c) {
            dataDir = c.dataDir;
            host = c.host;
            bindHost = c.bindHost;
            port = c.port;
            joinToken = c.joinToken;
            bootstrap = c.bootstrap;
            shareDir = c.shareDir;
            statusHost = c.statusHost;
            statusPort = c.statusPort;
            overlay = c.overlay;
            statusAccess = c.statusAccess;
            fetchAllow = c.fetchAllow;
            transport = c.transport;
            onComplete = c.onComplete;
            localChanges = c.localChanges;
        }
    }
}

package io.swiftserve.cli;

import io.swiftserve.admin.StatusAccess;
import io.swiftserve.daemon.CompilerPolicy;
import io.swiftserve.daemon.Node;
import io.swiftserve.daemon.NodeConfig;
import io.swiftserve.gossip.JoinClient;
import io.swiftserve.gossip.Overlay;
import io.swiftserve.net.NetAddresses;
import io.swiftserve.net.Transport;
import io.swiftserve.store.StoreException;
import io.swiftserve.util.Durations;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

@Command(
        name = "run",
        description = {
            "Run the node in the foreground, logging to stdout (systemd style).",
            "Environment: PORT (default 8000), MACHINE_IP (default 127.0.0.1), AUTO_DETECT_IP=1 (use this",
            "machine's LAN address), SWIFTSERVE_TRANSPORT (tls or cleartext); flags win over the environment."
        })
final class RunCommand implements Callable<Integer> {
    @Mixin
    DataDirOption data;

    @Option(
            names = {"-p", "--port"},
            paramLabel = "P",
            description = "Peer port (0 = any free port).")
    Integer port;

    @Option(
            names = "--host",
            paramLabel = "IP",
            description = "Address advertised to peers (and bound, unless --bind).")
    String host;

    @Option(names = "--bind", paramLabel = "IP", description = "Address to listen on, e.g. 0.0.0.0 (default: --host).")
    String bind;

    @Option(
            names = "--join",
            paramLabel = "TOKEN",
            description = {
                "Invite token; on first start, join through it.",
                "'-' reads it from standard input; a token on the command line is visible in ps."
            })
    String join;

    @Option(
            names = "--join-file",
            paramLabel = "FILE",
            description = {
                "Read the invite token from FILE (mode 0600).",
                "Only needed on the first start: a missing FILE is fine once DIR holds a network."
            })
    Path joinFile;

    @Option(names = "--peer", paramLabel = "HOST:PORT", description = "A member to contact at start (repeatable).")
    List<String> peers = new ArrayList<>();

    @Option(names = "--share", paramLabel = "DIR", description = "Where the network's files live (default DIR/files).")
    Path share;

    @Option(
            names = "--status-port",
            paramLabel = "P",
            defaultValue = "0",
            description = "Port of the read-only status page and /metrics (0 = any free port, -1 = off).")
    int statusPort;

    @Option(
            names = "--status-bind",
            paramLabel = "IP",
            defaultValue = "127.0.0.1",
            description = {
                "Address of the status page; 0.0.0.0 opens it to the LAN (it is read-only) and, unless",
                "--status-public, makes it ask for the read token in DIR/status.token. Default ${DEFAULT-VALUE}."
            })
    String statusBind;

    @Option(
            names = "--status-token-file",
            paramLabel = "FILE",
            description =
                    "The status page's read token (one line), instead of DIR/status.token; required on loopback too.")
    Path statusTokenFile;

    @Option(names = "--status-public", description = "Serve the status page beyond loopback without a read token.")
    boolean statusPublic;

    @Option(
            names = "--status-host-name",
            paramLabel = "NAME",
            description =
                    "Another name browsers use for this machine's status page (repeatable; checked against Host).")
    List<String> statusHostNames = new ArrayList<>();

    @Option(
            names = "--transport",
            paramLabel = "MODE",
            description =
                    "Peer connections: tls (default: encrypted and authenticated) or cleartext (an isolated, trusted LAN"
                            + " only: anyone on the path can read and alter traffic; keeps zero-copy sendfile). All members must agree.")
    String transport;

    @Option(
            names = "--max-peers",
            paramLabel = "N",
            description = "Peer connections at most, both directions (default: twice --degree, 16); inbound members"
                    + " beyond N minus --degree are handed other members' addresses and closed. More lets a few"
                    + " nodes gather many peers while others keep few, and the few finish last.")
    Integer maxPeers;

    @Option(
            names = "--degree",
            paramLabel = "N",
            defaultValue = "8",
            description =
                    "Members this node dials, chosen at random (default ${DEFAULT-VALUE}); with the inbound ones a"
                            + " node has about twice this many peers, a full mesh only in networks of that size.")
    int degree;

    @Option(
            names = "--rotate-every",
            paramLabel = "DURATION",
            defaultValue = "3m",
            description =
                    "Swap one dialled peer for a random other member this often (default ${DEFAULT-VALUE}; 0 = never);"
                            + " keeps the overlay random and rejoins the halves of a healed partition.")
    String rotateEvery;

    @Option(
            names = "--fetch-allow",
            paramLabel = "CIDR",
            split = ",",
            description = "Address blocks beyond the public"
                    + " internet this node may download from when it helps another member's 'fetch' (repeatable), e.g. 10.1.0.0/16"
                    + " for a LAN mirror. Without it a helper refuses loopback, link-local, private, shared (CGNAT), multicast and"
                    + " unspecified addresses, checked on the address it connects to, at every redirect. A fetch this node's own"
                    + " operator starts may use the address its URL names; its redirects are checked too.")
    List<String> fetchAllow = new ArrayList<>();

    @Option(
            names = "--limit-up",
            paramLabel = "RATE",
            description =
                    "Upload limit over all peers, e.g. 20MiB/s or 100Mbit/s (off: none); kept, as 'limit --up' does.")
    String limitUp;

    @Option(
            names = "--limit-down",
            paramLabel = "RATE",
            description = "Download limit over all peers (off: none); kept, as 'limit --down' does.")
    String limitDown;

    @Option(
            names = "--limit-schedule",
            paramLabel = "SCHEDULE",
            description = "Weekly limits, e.g. 'mon-fri 08:00-18:00 up=20MiB/s; * 18:00-08:00 up=off'"
                    + " (grammar: swiftserve limit --help); kept, as 'limit --schedule' does.")
    String limitSchedule;

    @Mixin
    LocalChangeOptions localChanges = new LocalChangeOptions();

    @Override
    public Integer call() {
        io.swiftserve.transfer.LocalPolicy localPolicy = localChanges.policy();
        Map<String, String> limits = LimitCommand.changes(limitUp, limitDown, null, null, limitSchedule, "--limit-");
        try {
            io.swiftserve.fetch.FetchTargets.allowing(fetchAllow);
        } catch (IllegalArgumentException e) {
            throw new CliException(Main.USAGE, "--fetch-allow: " + e.getMessage());
        }
        Overlay.Options overlay;
        try {
            overlay = new Overlay.Options(
                    degree,
                    maxPeers == null ? 2 * degree : maxPeers,
                    "0".equals(rotateEvery.trim()) ? Duration.ZERO : Durations.parse(rotateEvery));
        } catch (IllegalArgumentException e) {
            throw new CliException(Main.USAGE, "--degree/--max-peers/--rotate-every: " + e.getMessage());
        }
        CompilerPolicy.apply();
        Map<String, String> env = System.getenv();
        NodeConfig config = new NodeConfig(
                data.path(),
                resolveHost(env),
                bind != null ? bind : resolveHost(env),
                resolvePort(env),
                JoinTokenSource.read(join, joinFile, data.path(), System.in, System.err),
                bootstrap(),
                share == null ? null : share.toAbsolutePath(),
                statusBind,
                statusPort,
                overlay,
                new StatusAccess.Options(statusTokenFile, statusPublic, List.copyOf(statusHostNames)),
                fetchAllow,
                resolveTransport(env));
        config = config.withLocalChanges(localPolicy);
        Node node = new Node(config, Clock.systemUTC());
        node.limitsAtStart(limits);
        CountDownLatch stopped = new CountDownLatch(1);
        Runnable stop = () -> {
            try {
                node.close();
            } finally {
                stopped.countDown();
            }
        };
        ShutdownSignals.install(stop);
        try {
            node.start();
        } catch (IOException | StoreException | IllegalArgumentException e) {
            node.close();
            throw CliException.failed(e.getMessage());
        } catch (JoinClient.JoinException e) {
            node.close();
            throw CliException.failed("join failed: " + io.swiftserve.util.LogText.escape(e.getMessage()));
        }
        try {
            stopped.await();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        return Main.OK;
    }

    private String resolveHost(Map<String, String> env) {
        if (host != null) {
            return host;
        }
        String machineIp = env.get("MACHINE_IP");
        if (machineIp != null && !machineIp.isBlank()) {
            return machineIp.trim();
        }
        if ("1".equals(env.get("AUTO_DETECT_IP"))) {
            return LanAddress.detect()
                    .orElseThrow(() -> CliException.failed("AUTO_DETECT_IP=1 but no LAN address found"));
        }
        return "127.0.0.1";
    }

    private Transport resolveTransport(Map<String, String> env) {
        String text = transport != null ? transport : env.get(Transport.ENV);
        if (text == null || text.isBlank()) {
            return Transport.TLS;
        }
        try {
            return Transport.parse(text);
        } catch (IllegalArgumentException e) {
            throw new CliException(
                    Main.USAGE, (transport != null ? "--transport: " : Transport.ENV + ": ") + e.getMessage());
        }
    }

    private int resolvePort(Map<String, String> env) {
        int p = 8000;
        if (port != null) {
            p = port;
        } else if (env.get("PORT") != null && !env.get("PORT").isBlank()) {
            try {
                p = Integer.parseInt(env.get("PORT").trim());
            } catch (NumberFormatException e) {
                throw new CliException(Main.USAGE, "PORT='" + env.get("PORT") + "' is not a number");
            }
        }
        if (p < 0 || p > 65535) {
            throw new CliException(Main.USAGE, "port " + p + " is out of range 0..65535");
        }
        return p;
    }

    private List<InetSocketAddress> bootstrap() {
        List<InetSocketAddress> out = new ArrayList<>();
        for (String p : peers) {
            try {
                out.add(NetAddresses.parse(p));
            } catch (IllegalArgumentException e) {
                throw new CliException(Main.USAGE, "--peer: " + e.getMessage());
            }
        }
        return out;
    }
}

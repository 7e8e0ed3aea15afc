package io.swiftserve.cli;

import io.swiftserve.admin.StatusAccess;
import io.swiftserve.chain.InviteToken;
import io.swiftserve.daemon.CompilerPolicy;
import io.swiftserve.daemon.Node;
import io.swiftserve.daemon.NodeConfig;
import io.swiftserve.discovery.LanDiscovery;
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
            "Environment: PORT (default 8000), MACHINE_IP, AUTO_DETECT_IP=1 (--host auto), SWIFTSERVE_TRANSPORT",
            "(tls or cleartext), SWIFTSERVE_DATA. Any option can also be set in the config file as run.NAME;",
            "flags win over the environment, the environment over the file (see 'swiftserve config')."
        })
final class RunCommand implements Callable<Integer> {
    @Mixin
    DataDirOption data;

    @picocli.CommandLine.ParentCommand
    Main main;

    @picocli.CommandLine.Spec
    picocli.CommandLine.Model.CommandSpec spec;

    @Option(
            names = {"-p", "--port"},
            paramLabel = "P",
            defaultValue = "8000",
            description = "Peer port (default ${DEFAULT-VALUE}; 0 = any free port).")
    Integer port;

    @Option(
            names = "--host",
            paramLabel = "IP",
            description = {
                "Address advertised to peers (and bound, unless --bind); 'auto': this machine's LAN address.",
                "Default: 127.0.0.1 when --bind is loopback or every --peer and the invite's addresses are,",
                "else the LAN address (an error if a peer is on another machine and there is none)."
            })
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

    @Option(
            names = "--peer",
            paramLabel = "HOST:PORT",
            split = ",",
            description = "A member to contact at start (repeatable, or comma-separated).")
    List<String> peers = new ArrayList<>();

    @Option(
            names = "--discovery-port",
            paramLabel = "P",
            defaultValue = "21029",
            description = {
                "UDP port of LAN discovery (default ${DEFAULT-VALUE}; every member must use the same): members announce",
                "their peer port there by IPv4 broadcast and IPv6 link-local multicast and find each other without --peer."
            })
    int discoveryPort;

    @Option(
            names = "--no-discovery",
            description =
                    "Neither announce nor listen on the LAN; members are found through --peer and the address book.")
    boolean noDiscovery;

    @Option(
            names = "--no-warmup",
            description = "Skip the start-up warm-up: two throwaway nodes on 127.0.0.1 move 16 MiB (about a"
                    + " CPU-second) so the first real transfer runs compiled code instead of waiting for the JIT.")
    boolean noWarmup;

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
            split = ",",
            description =
                    "Another name browsers use for this machine's status page (repeatable; checked against Host).")
    List<String> statusHostNames = new ArrayList<>();

    @Option(
            names = "--transport",
            paramLabel = "MODE",
            defaultValue = "tls",
            description =
                    "Peer connections: tls (default: encrypted and authenticated) or cleartext (an isolated, trusted LAN"
                            + " only: anyone on the path can read and alter traffic; keeps zero-copy sendfile). All members must agree.")
    String transport;

    @Option(
            names = "--max-peers",
            paramLabel = "N",
            description = "Peer connections at most, both directions (default: 2.5 times --degree, 20); inbound members"
                    + " beyond N minus --degree are handed other members' addresses and closed, and a node few members"
                    + " dialled dials more, up to twice --degree in all. Far more lets a few nodes gather many peers"
                    + " while others keep few, and the few finish last.")
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
            names = "--on-complete",
            paramLabel = "CMD",
            description =
                    "A shell command run (by /bin/sh -c, in the data dir) each time a file version becomes complete on"
                            + " this node, e.g. 'systemctl reload myapp'. It gets SWIFTSERVE_PATH, SWIFTSERVE_FILE (the local file),"
                            + " SWIFTSERVE_VERSION, SWIFTSERVE_FILE_ID, SWIFTSERVE_MANIFEST and SWIFTSERVE_SIZE; runs one at a time"
                            + " without holding up transfers, killed after 10 minutes; its output goes to DIR/hooks.log and its exit"
                            + " status to the log.")
    String onComplete;

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
            throw new CliException(Main.USAGE, origin("--fetch-allow") + ": " + e.getMessage());
        }
        Overlay.Options overlay;
        try {
            overlay = new Overlay.Options(
                    degree,
                    maxPeers == null ? Overlay.Options.of(degree).maxPeers() : maxPeers,
                    "0".equals(rotateEvery.trim()) ? Duration.ZERO : Durations.parse(rotateEvery));
        } catch (IllegalArgumentException e) {
            throw new CliException(Main.USAGE, "--degree/--max-peers/--rotate-every: " + e.getMessage());
        }
        if (discoveryPort < 1 || discoveryPort > 65535) {
            throw new CliException(Main.USAGE, "--discovery-port " + discoveryPort + " is out of range 1..65535");
        }
        boolean nativeDigest = io.swiftserve.identity.Sha256.useNative();
        CompilerPolicy.apply(nativeDigest);
        if (!nativeDigest) {
            io.swiftserve.daemon.DigestWarmup.start();
        }
        List<InetSocketAddress> bootstrap = bootstrap();
        String token = JoinTokenSource.read(join, joinFile, data.path(), System.in, System.err);
        String advertised = AdvertisedHost.choose(host, bind, others(token), LanAddress::detect);
        NodeConfig config = new NodeConfig(
                data.path(),
                advertised,
                bind != null ? bind : advertised,
                resolvePort(),
                token,
                bootstrap,
                share == null ? null : share.toAbsolutePath(),
                statusBind,
                statusPort,
                overlay,
                new StatusAccess.Options(statusTokenFile, statusPublic, List.copyOf(statusHostNames)),
                fetchAllow,
                resolveTransport(),
                onComplete,
                localPolicy);
        Node node = new Node(config, Clock.systemUTC());
        node.limitsAtStart(limits);
        node.discoveryAtStart(noDiscovery ? null : LanDiscovery.Options.onPort(discoveryPort));
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
        if (!noWarmup) {
            io.swiftserve.daemon.TransferWarmup.start(config.dataDir(), config.transport());
        }
        try {
            stopped.await();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        return Main.OK;
    }

    /** The members this node will contact: --peer and, when joining, the invite's addresses. */
    private List<String> others(String token) {
        List<String> out = new ArrayList<>(peers);
        if (token != null) {
            try {
                out.addAll(InviteToken.parse(token).addresses());
            } catch (io.swiftserve.chain.InvalidException e) {
                // the join reports a bad token, with its reason
            }
        }
        return out;
    }

    /** The flag, or the variable or file line its value came from, for an error message. */
    private String origin(String option) {
        return main.settings.origin(spec, option);
    }

    private Transport resolveTransport() {
        if (transport == null || transport.isBlank()) {
            return Transport.TLS;
        }
        try {
            return Transport.parse(transport);
        } catch (IllegalArgumentException e) {
            throw new CliException(Main.USAGE, origin("--transport") + ": " + e.getMessage());
        }
    }

    private int resolvePort() {
        int p = port;
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
                throw new CliException(Main.USAGE, origin("--peer") + ": " + e.getMessage());
            }
        }
        return out;
    }
}

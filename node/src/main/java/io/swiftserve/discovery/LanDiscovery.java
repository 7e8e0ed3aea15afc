package io.swiftserve.discovery;

import io.swiftserve.chain.Hash;
import io.swiftserve.identity.NodeId;
import io.swiftserve.identity.NodeKey;
import io.swiftserve.net.NetAddresses;
import io.swiftserve.util.LogText;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.NetworkInterface;
import java.net.StandardProtocolFamily;
import java.net.StandardSocketOptions;
import java.nio.ByteBuffer;
import java.nio.channels.ClosedChannelException;
import java.nio.channels.DatagramChannel;
import java.security.SecureRandom;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;
import java.util.function.Predicate;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * LAN discovery: announces this member's peer port by UDP broadcast and link-local multicast at
 * start and every {@link Options#interval}, and hands every member heard that way to {@code sink}
 * as an address to try (the overlay dials it; the handshake decides). One socket on the discovery
 * port, one thread blocked on it ({@code discovery}); sending runs on the node's timer. A node
 * whose peer port listens on loopback only announces nothing (nobody on the LAN could dial it) and
 * listens on loopback only (tests, several nodes on one machine).
 */
public final class LanDiscovery implements AutoCloseable {
    private static final Logger log = LoggerFactory.getLogger(LanDiscovery.class);

    /** Not Syncthing's 21027: its IPv4 socket does not share its port, so both could not run on one machine. */
    public static final int DEFAULT_PORT = 21029;

    /** An announcement answering a restarted member goes out at most this often, whatever is heard. */
    static final long ANSWER_EVERY_MS = 2_000;

    /**
     * {@code port}: the UDP port every member uses; {@code interval}: between announcements;
     * {@code unicast}: addresses announced to as well, beside the LAN's broadcast and multicast (tests
     * on loopback, where neither exists).
     */
    public record Options(int port, Duration interval, List<InetSocketAddress> unicast) {
        public static final Duration INTERVAL = Duration.ofSeconds(30);

        public Options {
            if (port < 0 || port > 65_535) {
                throw new IllegalArgumentException("discovery port " + port + " is out of range 0..65535");
            }
            unicast = List.copyOf(unicast);
        }

        public static Options onPort(int port) {
            return new Options(port, INTERVAL, List.of());
        }
    }

    /** A member heard on the LAN: dial {@code address} if not connected to {@code node}. */
    public record Heard(NodeId node, InetSocketAddress address) {}

    private final Options options;
    private final NodeKey key;
    private final byte[] networkHash;
    private final int peerPort;
    private final LanInterfaces.Families families;
    /** A loopback peer port keeps discovery on loopback too; anything else listens on every interface. */
    private final java.net.InetAddress udpBind;

    private final ReceiveRules rules;
    private final Consumer<Heard> sink;
    private final ScheduledExecutorService timer;
    private final Clock clock;
    private final byte[] instance = new byte[Announcements.INSTANCE_LENGTH];
    /** The address last heard per member: a change is worth an info line, a repeat is not. Receiver thread only. */
    private final Map<NodeId, InetSocketAddress> lastHeard = new HashMap<>();

    private DatagramChannel channel;
    private Thread receiver;
    private volatile boolean closed;
    /** When the last answer went out; receiver thread only. The periodic round does not count: it may predate the member's start. */
    private long lastAnswerMs = Long.MIN_VALUE / 2;

    public LanDiscovery(
            Options options,
            NodeKey key,
            Hash networkId,
            String bindHost,
            int peerPort,
            Predicate<NodeId> isMember,
            Consumer<Heard> sink,
            ScheduledExecutorService timer,
            Clock clock) {
        this.options = options;
        this.key = key;
        this.networkHash = Announcements.networkHash(networkId);
        this.peerPort = peerPort;
        this.families = LanInterfaces.Families.of(bindHost);
        this.udpBind = LanInterfaces.loopback(bindHost);
        this.rules = new ReceiveRules(networkHash, key.id(), isMember);
        this.sink = sink;
        this.timer = timer;
        this.clock = clock;
        new SecureRandom().nextBytes(instance);
    }

    /** Binds the port and starts; a port that cannot be bound turns discovery off with a warning, not the node. */
    public void start() {
        try {
            channel = open();
        } catch (IOException e) {
            log.warn(
                    "LAN discovery off: cannot listen on UDP port {} ({}); members are found through --peer and the"
                            + " address book only",
                    options.port(),
                    e.getMessage());
            return;
        }
        if (udpBind == null) {
            joinGroups();
        }
        receiver = new Thread(this::receiveLoop, "discovery");
        receiver.setDaemon(true);
        receiver.start();
        List<InetSocketAddress> to = destinations();
        if (to.isEmpty()) {
            log.info(
                    "LAN discovery: listening on UDP port {}{}; announcing nothing: {}",
                    localPort(),
                    udpBind == null ? "" : " of " + udpBind.getHostAddress(),
                    families == LanInterfaces.Families.NONE
                            ? "the peer port listens on loopback or on one IPv6 address only (bind :: to announce over IPv6)"
                            : "no interface with a broadcast or multicast address");
        } else {
            log.info(
                    "LAN discovery on UDP port {}: announcing peer port {} every {} s to {}",
                    localPort(),
                    peerPort,
                    options.interval().toSeconds(),
                    to.stream()
                            .map(a -> NetAddresses.join(a.getHostString(), a.getPort()))
                            .toList());
        }
        timer.scheduleWithFixedDelay(this::announce, 0, options.interval().toMillis(), TimeUnit.MILLISECONDS);
    }

    /** The bound UDP port (the configured one, or the one picked for port 0); -1 when not listening. */
    public int localPort() {
        try {
            return channel == null ? -1 : ((InetSocketAddress) channel.getLocalAddress()).getPort();
        } catch (IOException e) {
            return -1;
        }
    }

    private DatagramChannel open() throws IOException {
        DatagramChannel ch;
        try {
            // one dual-stack socket hears IPv4 broadcasts and IPv6 multicast alike
            ch = DatagramChannel.open(StandardProtocolFamily.INET6);
        } catch (UnsupportedOperationException | IOException e) {
            ch = DatagramChannel.open(StandardProtocolFamily.INET);
        }
        try {
            // several nodes on one machine (other networks, other data dirs) all hear the LAN's announcements
            ch.setOption(StandardSocketOptions.SO_REUSEADDR, true);
            ch.setOption(StandardSocketOptions.SO_BROADCAST, true);
            ch.bind(
                    udpBind == null
                            ? new InetSocketAddress(options.port())
                            : new InetSocketAddress(udpBind, options.port()));
            return ch;
        } catch (IOException | RuntimeException e) {
            ch.close();
            throw e;
        }
    }

    private void joinGroups() {
        for (NetworkInterface nif : LanInterfaces.usable()) {
            if (LanInterfaces.supportsMulticast(nif) && LanInterfaces.hasIpv6(nif)) {
                try {
                    channel.join(LanInterfaces.GROUP, nif);
                } catch (IOException | RuntimeException e) {
                    log.debug(
                            "LAN discovery: not joining {} on {}: {}",
                            LanInterfaces.GROUP,
                            nif.getName(),
                            e.toString());
                }
            }
        }
    }

    private List<InetSocketAddress> destinations() {
        List<InetSocketAddress> out = new ArrayList<>(LanInterfaces.destinations(families, options.port()));
        out.addAll(options.unicast());
        return out;
    }

    /** Sends one signed announcement to every destination; runs on the timer. */
    void announce() {
        if (closed || channel == null) {
            return;
        }
        long now = clock.millis();
        ByteBuffer datagram = ByteBuffer.wrap(Announcements.encode(key, networkHash, peerPort, now, instance));
        for (InetSocketAddress to : destinations()) {
            try {
                channel.send(datagram.duplicate(), to);
            } catch (IOException | RuntimeException e) {
                log.debug("LAN discovery: announcing to {} failed: {}", to, e.toString());
            }
        }
    }

    private void receiveLoop() {
        ByteBuffer buffer = ByteBuffer.allocate(Announcements.MAX_DATAGRAM + 1);
        while (!closed) {
            buffer.clear();
            InetSocketAddress from;
            try {
                from = (InetSocketAddress) channel.receive(buffer);
            } catch (ClosedChannelException e) {
                return;
            } catch (IOException | RuntimeException e) {
                log.debug("LAN discovery: receive failed: {}", e.toString());
                continue;
            }
            if (from == null) {
                continue;
            }
            long now = clock.millis();
            ReceiveRules.Result r = rules.check(buffer.array(), buffer.position(), from.getAddress(), now);
            if (r.candidate().isEmpty()) {
                if (r.verdict() != ReceiveRules.Verdict.OWN && r.verdict() != ReceiveRules.Verdict.OTHER_NETWORK) {
                    log.debug("LAN discovery: dropped a datagram from {}: {}", from, r.verdict());
                }
                continue;
            }
            taken(r.candidate().get(), now);
        }
    }

    private void taken(ReceiveRules.Candidate c, long now) {
        InetSocketAddress before = lastHeard.put(c.node(), c.address());
        if (!c.address().equals(before)) {
            log.info(
                    "LAN discovery: member {} at {}",
                    c.node().shortId(),
                    LogText.escape(NetAddresses.join(
                            c.address().getHostString(), c.address().getPort())));
        }
        sink.accept(new Heard(c.node(), c.address()));
        // a member that just started has not heard this node's last announcement: answer now, not in 30 s
        if (c.restarted() && now - lastAnswerMs >= ANSWER_EVERY_MS) {
            lastAnswerMs = now;
            timer.execute(this::announce);
        }
    }

    long count(ReceiveRules.Verdict verdict) {
        return rules.count(verdict);
    }

    @Override
    public void close() {
        closed = true;
        if (channel != null) {
            try {
                channel.close();
            } catch (IOException e) {
                // closing: nothing left to do with it
            }
        }
        if (receiver != null) {
            try {
                receiver.join(2_000);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
    }
}

package io.swiftserve.daemon;

import io.swiftserve.admin.AdminServer;
import io.swiftserve.admin.StatusServer;
import io.swiftserve.chain.BlockSealer;
import io.swiftserve.chain.Blockchain;
import io.swiftserve.chain.Hash;
import io.swiftserve.chain.InvalidException;
import io.swiftserve.chain.InviteToken;
import io.swiftserve.chain.TransactionPool;
import io.swiftserve.chain.Transactions;
import io.swiftserve.discovery.LanDiscovery;
import io.swiftserve.fetch.FetchService;
import io.swiftserve.fetch.FetchTargets;
import io.swiftserve.gossip.AddressBook;
import io.swiftserve.gossip.ChainGossip;
import io.swiftserve.gossip.JoinClient;
import io.swiftserve.gossip.JoinService;
import io.swiftserve.gossip.MembershipPolicy;
import io.swiftserve.gossip.Overlay;
import io.swiftserve.gossip.PeerExchange;
import io.swiftserve.identity.KeyFile;
import io.swiftserve.identity.NodeKey;
import io.swiftserve.net.HandshakePolicy;
import io.swiftserve.net.LocalPeer;
import io.swiftserve.net.MessageRouter;
import io.swiftserve.net.NetAddresses;
import io.swiftserve.net.PeerNetwork;
import io.swiftserve.store.RocksDbStore;
import io.swiftserve.transfer.TransferService;
import io.swiftserve.util.Threads;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.time.Clock;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ScheduledExecutorService;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One running node: the composition root that wires store, chain, network, gossip, transfer and the
 * admin channel, and the only owner of their lifecycle. {@link #start()} and {@link #close()} are
 * idempotent.
 */
public final class Node implements AutoCloseable {
    private static final Logger log = LoggerFactory.getLogger(Node.class);

    private final NodeConfig config;
    private final Clock clock;
    private RocksDbStore store;
    private NodeKey key;
    private Blockchain chain;
    private TransactionPool pool;
    private ScheduledExecutorService chainThread;
    private ScheduledExecutorService timer;
    private PeerNetwork network;
    private ChainGossip gossip;
    private AddressBook book;
    private Enrollment enrollment;
    private CompletionHook hook;
    private AdminServer admin;
    private TransferService transfer;
    private FetchService fetch;
    private HoldingsReporter holdings;
    private WatchAdmin watches;
    private StatusServer status;
    private DataDirLock lock;
    private NodeAdmin api;
    private BandwidthControl bandwidth;
    /** Limits given at start ({@code run --limit-*}), by setting name; kept over what DIR/limits held. */
    private volatile java.util.Map<String, String> limitsAtStart = java.util.Map.of();
    /** LAN discovery as {@code run} asked for it ({@code --discovery-port}, {@code --no-discovery}); null: off. */
    private volatile LanDiscovery.Options discoveryOptions;

    private LanDiscovery discovery;

    private volatile String statusUrl = "";
    private boolean started;
    /** Who the network admits: only the inviter while joining, then the members. */
    private volatile HandshakePolicy admission;

    private boolean closed;

    public Node(NodeConfig config, Clock clock) {
        this.config = config;
        this.clock = clock;
    }

    /** Opens the store, joins first if asked to, then starts networking and the admin channel. */
    public synchronized void start() throws IOException, JoinClient.JoinException {
        if (started) {
            return;
        }
        started = true;
        // chunk hashes on native code from the first chunk, whatever the JIT (see Sha256)
        io.swiftserve.identity.Sha256.useNative();
        io.swiftserve.util.PrivateDirs.warnIfOpen(config.dataDir());
        io.swiftserve.util.PrivateDirs.create(config.dataDir());
        lock = DataDirLock.acquire(config.dataDir());
        store = RocksDbStore.open(config.dataDir().resolve(NodeInit.DB_DIR));
        List<InetSocketAddress> bootstrap = new ArrayList<>(config.bootstrap());
        // the network starts before the services: what peers send meanwhile waits for them (release below)
        MessageRouter router = new MessageRouter().hold();
        SessionFanout sessions = new SessionFanout();
        chain = Blockchain.open(store, clock).orElse(null);
        if (chain == null) {
            if (config.joinToken() == null) {
                throw new IOException(config.dataDir()
                        + " holds no network: run 'swiftserve init' or start with --join TOKEN or --join-file FILE");
            }
            InviteToken invite;
            try {
                invite = InviteToken.parse(config.joinToken());
            } catch (InvalidException e) {
                throw new JoinClient.JoinException(e.getMessage());
            }
            key = KeyFile.loadOrCreate(config.dataDir());
            // the node's own network, so the session with the inviter outlives the join as a member session
            admission = JoinClient.admitting(invite);
            startNetwork(invite.networkId(), router, sessions);
            log.info("joining network {} through {}", invite.networkId().shortHex(), invite.addresses());
            chain = JoinClient.join(network, router, key, invite, store, clock);
            admission = new MembershipPolicy(chain, clock, key.id());
            invite.addresses().forEach(a -> bootstrap.add(NetAddresses.parse(a)));
        } else {
            key = KeyFile.load(config.dataDir());
            admission = new MembershipPolicy(chain, clock, key.id());
            startNetwork(chain.networkId(), router, sessions);
        }
        pool = new TransactionPool(store, chain, clock, key.id());
        // before gossip registers its listeners: a join's waiter promotes the session, whose next
        // message must already find the new member in the set
        MembershipPolicy.Members members = new MembershipPolicy.Members(chain, key.id());
        chainThread = Threads.single("chain");
        timer = Threads.single("timer");
        int port = network.listenPort();
        bandwidth = BandwidthControl.open(config.dataDir(), limitsAtStart, network.bandwidth(), timer, clock);
        gossip = new ChainGossip(chain, pool, new BlockSealer(chain, pool, key, clock), chainThread, network);
        gossip.register(router);
        JoinService joins = new JoinService(gossip);
        joins.register(router);
        enrollment = new Enrollment(this, joins);
        book = new AddressBook(store, chain.networkId(), members::contains);
        book.publishSelf(key, List.of(NetAddresses.join(config.host(), port)), clock);
        transfer = new TransferService(
                chain,
                store,
                network,
                config.effectiveShareDir(),
                config.dataDir().resolve("partial"),
                pool::pendingFileAdds,
                TransferService.Workers.own());
        transfer.placeFor(key.id());
        transfer.localCopies().policy(config.localChanges());
        transfer.register(router);
        hook = CompletionHook.attach(config.onComplete(), config.dataDir(), transfer);
        Overlay overlay =
                new Overlay(network, book, chain, bootstrap, config.overlay(), new java.security.SecureRandom());
        PeerExchange exchange = new PeerExchange(network, book, overlay, timer);
        exchange.register(router);
        sessions.onUp(s -> {
            if (!overlay.admit(s)) {
                return;
            }
            gossip.sessionUp(s);
            exchange.sessionUp(s);
            transfer.sessionUp(s);
        });
        sessions.onDown(s -> transfer.sessionDown(s));
        // a revoked node keeps no member session: it stops serving at once
        network.setMembershipCheck(id -> members.contains(id) && !members.selfRevoked());
        chain.addListener((removed, added) -> timer.execute(this::dropNonMembers));
        gossip.start();
        exchange.start();
        transfer.start();
        holdings = new HoldingsReporter(
                chain, transfer, gossip, new Transactions(key, chain.networkId(), clock), key.id(), clock, timer);
        holdings.start();
        if (discoveryOptions != null) {
            discovery = new LanDiscovery(
                    discoveryOptions,
                    key,
                    chain.networkId(),
                    config.bindHost(),
                    port,
                    members::contains,
                    heard -> overlay.heard(heard.node(), heard.address()),
                    timer,
                    clock);
            discovery.start();
        }
        api = new NodeAdmin(this);
        FetchTargets fetchTargets = FetchTargets.allowing(config.fetchAllow());
        fetch = new FetchService(
                key.id(), network, transfer, chain, config.dataDir().resolve("partial"), api::add, fetchTargets);
        if (!config.fetchAllow().isEmpty()) {
            log.info("as a fetch helper this node may connect to {}", fetchTargets);
        }
        fetch.register(router);
        sessions.onDown(fetch::sessionDown);
        sessions.open();
        router.release();
        fetch.start();
        admin = new AdminServer(config.dataDir(), new io.swiftserve.admin.AdminRoutes(api));
        admin.start();
        watches = api.folderWatches();
        watches.start();
        if (config.statusPort() >= 0) {
            status = StatusPortFile.start(api, config);
            statusUrl = status.url();
        }
        log.info(
                "node {} started: network {} ({}), height {}, members {}",
                key.id().shortId(),
                chain.networkId().shortHex(),
                chain.state().networkName(),
                chain.height(),
                chain.state().members().size());
    }

    /**
     * Binds the peer network; its policy is whatever {@link #admission} says at each handshake. The
     * advertised port is only known after binding port 0, and Hello must carry the real one.
     */
    private void startNetwork(Hash networkId, MessageRouter router, SessionFanout sessions) throws IOException {
        network = new PeerNetwork(
                new LocalPeer(key, networkId, config.host(), config.port()),
                (peer, use) -> admission.admit(peer, use),
                router,
                sessions,
                config.transport());
        int port = network.bind(config.bindHost(), config.port());
        if (config.port() != port) {
            network.updateLocal(new LocalPeer(key, networkId, config.host(), port));
        }
    }

    private void dropNonMembers() {
        network.enforceMembership();
        book.retainMembers();
        if (!chain.state().isMember(key.id())) {
            log.warn(
                    "this node is no longer a member of network {}",
                    chain.networkId().shortHex());
        }
    }

    public NodeKey key() {
        return key;
    }

    public Blockchain chain() {
        return chain;
    }

    public TransactionPool pool() {
        return pool;
    }

    public PeerNetwork network() {
        return network;
    }

    public ChainGossip gossip() {
        return gossip;
    }

    public TransferService transfer() {
        return transfer;
    }

    public FetchService fetch() {
        return fetch;
    }

    /** The watched folders' scanner (tests step it and count its walks). */
    public FolderWatcher folderWatcher() {
        return watches.watcher();
    }

    public HoldingsReporter holdings() {
        return holdings;
    }

    /** Before {@link #start()}: bandwidth settings by name ({@link BandwidthControl}) that replace the kept ones. */
    public void limitsAtStart(java.util.Map<String, String> settings) {
        limitsAtStart = java.util.Map.copyOf(settings);
    }

    /** Before {@link #start()}: LAN discovery's settings, or null for none (the default). */
    public void discoveryAtStart(LanDiscovery.Options options) {
        discoveryOptions = options;
    }

    /** The admin channel's answers, as a local client gets them. */
    NodeAdmin admin() {
        return api;
    }

    BandwidthControl bandwidth() {
        return bandwidth;
    }

    /** The read-only status page, or "" when it is off. */
    public String statusUrl() {
        return statusUrl;
    }

    Enrollment enrollment() {
        return enrollment;
    }

    public AddressBook addressBook() {
        return book;
    }

    public NodeConfig config() {
        return config;
    }

    public Clock clock() {
        return clock;
    }

    public int port() {
        return network.listenPort();
    }

    public String address() {
        return NetAddresses.join(config.host(), port());
    }

    /**
     * Stops everything and flushes the store; safe to call more than once. Order: stop dialling,
     * cut the peers (no chunk moves after this), close the local channels, drain the transfer and
     * chain threads, and only then close the store they write to.
     */
    @Override
    public synchronized void close() {
        if (closed || !started) {
            return;
        }
        closed = true;
        ShutdownSteps.step("LAN discovery", () -> discovery.close(), discovery);
        ShutdownSteps.step(
                "timer",
                () -> {
                    timer.shutdownNow();
                    ShutdownSteps.awaitQuietly(timer);
                },
                timer);
        ShutdownSteps.step("bandwidth", () -> bandwidth.close(), bandwidth);
        ShutdownSteps.step("fetch", () -> fetch.close(), fetch);
        ShutdownSteps.step("network", () -> network.close(), network);
        ShutdownSteps.step("status page", () -> status.close(), status);
        ShutdownSteps.step("watched folders", () -> watches.close(), watches);
        ShutdownSteps.step("admin channel", () -> admin.close(), admin);
        ShutdownSteps.step("transfer", () -> transfer.close(), transfer);
        ShutdownSteps.step("on-complete hook", () -> hook.close(), hook);
        ShutdownSteps.step(
                "chain",
                () -> {
                    chainThread.shutdown();
                    ShutdownSteps.awaitQuietly(chainThread);
                },
                chainThread);
        ShutdownSteps.step("store", () -> store.close(), store);
        ShutdownSteps.step(
                "data dir lock",
                () -> {
                    try {
                        lock.close();
                    } catch (IOException e) {
                        throw new java.io.UncheckedIOException(e);
                    }
                },
                lock);
        if (store != null) {
            log.info("node stopped");
        }
    }
}

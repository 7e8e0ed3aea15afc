package io.swiftserve.cluster;

import static org.awaitility.Awaitility.await;

import io.swiftserve.chain.Block;
import io.swiftserve.chain.InviteToken;
import io.swiftserve.chain.Transaction;
import io.swiftserve.chain.TransactionRules;
import io.swiftserve.chain.Transactions;
import io.swiftserve.daemon.Node;
import io.swiftserve.daemon.NodeConfig;
import io.swiftserve.daemon.NodeInit;
import io.swiftserve.gossip.JoinClient;
import io.swiftserve.identity.NodeId;
import io.swiftserve.net.PeerSession;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.stream.Collectors;

/**
 * N real nodes in this JVM: loopback, port 0, one data dir each under a temp dir, real RocksDB and
 * real sockets. Node 0 founds the network; the others join with invites. A stopped node keeps its
 * data dir and restarts on its old port, as a rebooted machine would.
 */
public final class TestCluster implements AutoCloseable {
    public static final Duration CONVERGE = Duration.ofSeconds(30);

    private final Path root;
    private final Clock clock;
    // copy-on-write: tests read these while joins run on other threads
    private final List<Path> dirs = new CopyOnWriteArrayList<>();
    private final List<Node> nodes = new CopyOnWriteArrayList<>();
    private final List<Integer> ports = new CopyOnWriteArrayList<>();
    private int dirCounter;
    /** Applied to every node's config (e.g. a fetch allow-list); set before the first node starts. */
    private java.util.function.UnaryOperator<NodeConfig> tweak = c -> c;

    public TestCluster(Path root) {
        this(root, Clock.systemUTC());
    }

    public TestCluster(Path root, Clock clock) {
        this.root = root;
        this.clock = clock;
    }

    /** A cluster under {@code root} where node 0 founded the network, {@code joiners} more joined, and all agree. */
    public static TestCluster converged(Path root, int joiners) {
        return converged(root, Clock.systemUTC(), joiners);
    }

    public static TestCluster converged(Path root, Clock clock, int joiners) {
        return converged(root, clock, joiners, c -> c);
    }

    /** As {@link #converged(Path, int)}, with every node's config passed through {@code config} first. */
    public static TestCluster converged(Path root, int joiners, java.util.function.UnaryOperator<NodeConfig> config) {
        return converged(root, Clock.systemUTC(), joiners, config);
    }

    public static TestCluster converged(
            Path root, Clock clock, int joiners, java.util.function.UnaryOperator<NodeConfig> config) {
        TestCluster cluster = new TestCluster(root, clock);
        cluster.tweak = config;
        try {
            cluster.found();
            cluster.join(joiners);
            cluster.awaitConverged();
            return cluster;
        } catch (RuntimeException | Error e) {
            cluster.close();
            throw e;
        }
    }

    /** An empty cluster whose nodes' configs pass through {@code config}; found and join as the test needs. */
    public static TestCluster configured(Path root, java.util.function.UnaryOperator<NodeConfig> config) {
        TestCluster cluster = new TestCluster(root);
        cluster.tweak = config;
        return cluster;
    }

    /** Nodes 1 and up, in the order they joined. */
    public List<Node> joiners() {
        return nodes.subList(1, nodes.size()).stream()
                .map(Objects::requireNonNull)
                .toList();
    }

    /** Founds the network with node 0 and starts it. */
    public Node found() {
        if (!nodes.isEmpty()) {
            throw new IllegalStateException("the cluster is already founded");
        }
        Path dir = newDir();
        try {
            NodeInit.found(dir, "test-cluster", clock);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return add(dir, start(tweak.apply(NodeConfig.local(dir).withPort(0))));
    }

    /** Joins {@code n} new nodes one after the other, each with a fresh invite of node 0. */
    public List<Node> join(int n) {
        List<Node> joined = new ArrayList<>();
        for (int i = 0; i < n; i++) {
            try {
                joined.add(joinWith(invite(0, Duration.ofMinutes(10))));
            } catch (JoinClient.JoinException e) {
                throw new IllegalStateException("join failed: " + e.getMessage(), e);
            }
        }
        return joined;
    }

    /** Starts a new node with {@code token}; on success it is added to the cluster, otherwise the join error is thrown. */
    public Node joinWith(String token) throws JoinClient.JoinException {
        Path dir = newDir();
        Node node = new Node(tweak.apply(NodeConfig.local(dir).withPort(0).withJoin(token)), clock);
        try {
            node.start();
        } catch (IOException e) {
            node.close();
            throw new UncheckedIOException(e);
        } catch (JoinClient.JoinException | RuntimeException e) {
            node.close();
            throw e;
        }
        return add(dir, node);
    }

    /** A fresh invite token made by node {@code inviter}, carrying its address. */
    public String invite(int inviter, Duration ttl) {
        Node n = node(inviter);
        return InviteToken.create(n.key(), n.chain().networkId(), ttl, List.of(n.address()), clock)
                .format();
    }

    /** Stops node {@code i}; its data dir stays. */
    public void stop(int i) {
        node(i).close();
        nodes.set(i, null);
    }

    /**
     * Starts the stopped node {@code i} again from its data dir, on its previous port if that is
     * still free (peers hold that address), otherwise on a new one.
     */
    public Node restart(int i) {
        if (nodes.get(i) != null) {
            throw new IllegalStateException("node " + i + " is running");
        }
        NodeConfig config = tweak.apply(NodeConfig.local(dirs.get(i)));
        Node node;
        try {
            node = start(config.withPort(ports.get(i)));
        } catch (UncheckedIOException e) {
            node = start(config.withPort(0));
        }
        nodes.set(i, node);
        ports.set(i, node.port());
        return node;
    }

    private Node start(NodeConfig config) {
        Node node = new Node(config, clock);
        try {
            node.start();
            return node;
        } catch (IOException e) {
            node.close();
            throw new UncheckedIOException(e);
        } catch (JoinClient.JoinException e) {
            node.close();
            throw new IllegalStateException(e.getMessage(), e);
        }
    }

    /**
     * Waits until every running node has the same head and a member session with every other running
     * node that its chain lists as a member.
     */
    public void awaitConverged() {
        await("cluster converged")
                .atMost(CONVERGE)
                .pollInterval(Duration.ofMillis(50))
                .until(this::converged);
    }

    /** Waits until every running node has the same head hash. */
    public void awaitSameHead() {
        awaitSameHead(running());
    }

    /** Waits until {@code some} nodes have the same head hash (e.g. the members, leaving out a revoked node). */
    public void awaitSameHead(List<Node> some) {
        await("same head")
                .atMost(CONVERGE)
                .pollInterval(Duration.ofMillis(20))
                .until(() -> some.stream()
                                .map(n -> n.chain().head().hash())
                                .distinct()
                                .count()
                        == 1);
    }

    private boolean converged() {
        List<Node> up = running();
        if (up.stream().map(n -> n.chain().head().hash()).distinct().count() != 1) {
            return false;
        }
        for (Node n : up) {
            Set<NodeId> connected = memberSessions(n);
            for (Node other : up) {
                if (other != n
                        && n.chain().state().isMember(other.key().id())
                        && !connected.contains(other.key().id())) {
                    return false;
                }
            }
        }
        return true;
    }

    /** Peers {@code n} holds a member session with. */
    public static Set<NodeId> memberSessions(Node n) {
        return n.network().sessions().stream()
                .filter(PeerSession::isMember)
                .map(PeerSession::peer)
                .collect(Collectors.toSet());
    }

    /**
     * Submits a file-add transaction on {@code node} (zero chunk hashes: nothing is transferred) and
     * seals it there, the node holding its manifest as a publisher does; returns the block that holds it.
     */
    public Block sealFileAdd(Node node, String path, long size) {
        return sealFileAdd(node, path, size, TransactionRules.MIN_CHUNK_SIZE);
    }

    /** As {@link #sealFileAdd(Node, String, long)}, cut in chunks of {@code chunkSize}. */
    public Block sealFileAdd(Node node, String path, long size, int chunkSize) {
        byte[] hashes = new byte[32 * (int) ((size + chunkSize - 1) / chunkSize)];
        io.swiftserve.chain.Manifest manifest = io.swiftserve.chain.Manifest.ofFile(size, chunkSize, hashes);
        node.transfer().manifests().put(manifest);
        Transaction tx = new Transactions(node.key(), node.chain().networkId(), clock).fileAdd(path, manifest, 1);
        try {
            node.gossip().submit(tx).get(10, TimeUnit.SECONDS);
            node.gossip().sealNow().get(10, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        } catch (ExecutionException | TimeoutException e) {
            throw new IllegalStateException(
                    "sealing " + path + " on " + node.key().id().shortId() + " failed: " + e, e);
        }
        // usually the block sealNow made; the seal timer may have been first, and a peer's block may
        // follow. A peer's block at the same height can also win the fork choice and send the
        // transaction back to the pool, to be sealed again by the timer: so wait for it on the chain.
        return await(path + " on the chain of " + node.key().id().shortId())
                .atMost(CONVERGE)
                .pollInterval(Duration.ofMillis(20))
                .until(() -> blockHolding(node, tx), Optional::isPresent)
                .orElseThrow();
    }

    private static Optional<Block> blockHolding(Node node, Transaction tx) {
        for (long h = node.chain().height(); h > 0; h--) {
            Optional<Block> b = node.chain().blockAt(h);
            if (b.isPresent() && b.get().transactions().stream().anyMatch(t -> t.id().equals(tx.id()))) {
                return b;
            }
        }
        return Optional.empty();
    }

    public Node node(int i) {
        return Objects.requireNonNull(nodes.get(i), "node " + i + " is stopped");
    }

    public Path dataDir(int i) {
        return dirs.get(i);
    }

    public int size() {
        return nodes.size();
    }

    public List<Node> running() {
        return nodes.stream().filter(Objects::nonNull).toList();
    }

    public Block head(int i) {
        return node(i).chain().head();
    }

    /** A dir of its own for every node started, even one whose join fails (that one is not added). */
    private synchronized Path newDir() {
        return root.resolve("node" + dirCounter++);
    }

    private synchronized Node add(Path dir, Node node) {
        dirs.add(dir);
        nodes.add(node);
        ports.add(node.port());
        return node;
    }

    @Override
    public void close() {
        for (int i = nodes.size() - 1; i >= 0; i--) {
            Node n = nodes.get(i);
            if (n != null) {
                n.close();
                nodes.set(i, null);
            }
        }
    }
}

package io.swiftserve.sim;

import io.swiftserve.chain.Hash;
import io.swiftserve.gossip.Overlay;
import io.swiftserve.identity.NodeKey;
import io.swiftserve.store.InMemoryStore;
import io.swiftserve.transfer.ChunkLayout;
import io.swiftserve.util.Ambient;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Random;

/**
 * A fleet of {@link SimNode}s on a {@link SimNet}, run in virtual time on the calling thread, which it
 * binds to that time and to the seed ({@link Ambient}) for as long as the simulation is open. Same
 * case, same seed: same trace.
 */
public final class Simulation implements AutoCloseable {
    /**
     * One case: fleet size, link rate and latency, the seed, the overlay's options, and what share
     * of a link's rate carries TCP payload ({@link SimNet#ETHERNET}, or {@link SimNet#TBF} for
     * {@code bench-lan.sh}'s links).
     */
    public record Case(
            int nodes, double rateMbit, long latencyMicros, long seed, Overlay.Options overlay, double payloadShare) {
        public Case(int nodes, double rateMbit, long latencyMicros, long seed, Overlay.Options overlay) {
            this(nodes, rateMbit, latencyMicros, seed, overlay, SimNet.ETHERNET);
        }

        public static Case of(int nodes, double rateMbit, long seed) {
            return new Case(nodes, rateMbit, 100, seed, Overlay.Options.DEFAULT);
        }
    }

    private static final long MS = 1_000_000L;
    private static final long SECOND = 1_000 * MS;

    private final Case spec;
    private final SimScheduler scheduler = new SimScheduler();
    private final SimNet net;
    private final List<SimNode> nodes = new ArrayList<>();
    private final Random random;
    private int maxDegree;
    private long[] lastHeldAt = new long[0];
    /** HaveChunks messages the nodes sent during the last distribution: fast, slow, chunk indices. */
    private final long[] lastHaves = new long[3];

    private long lastStart;
    private SeedWatch.SeedPhase lastSeedPhase;
    private int[] degreeAtAdd = new int[0];
    private int[] outboundAtAdd = new int[0];

    public Simulation(Case spec, Path dir) throws IOException {
        this.spec = spec;
        this.random = new Random(spec.seed());
        Ambient.bind(scheduler::nanos, random);
        this.net = new SimNet(scheduler, spec.rateMbit() * 1e6, spec.latencyMicros() * 1_000L, spec.payloadShare());
        SimClock clock = new SimClock(scheduler);
        List<NodeKey> keys = Fleet.keys(spec.nodes(), spec.seed());
        List<SimNet.Host> hosts = new ArrayList<>();
        for (int i = 0; i < spec.nodes(); i++) {
            hosts.add(net.host("10." + (i >> 16 & 255) + "." + (i >> 8 & 255) + "." + (i & 255)));
        }
        InMemoryStore genesis = Fleet.chain(keys, hosts.get(0).ip + ":" + SimFabric.PORT, clock);
        for (int i = 0; i < spec.nodes(); i++) {
            Path d = Files.createDirectories(dir.resolve("n" + i));
            nodes.add(new SimNode(keys.get(i), genesis.copy(), net, hosts.get(i), d, clock));
        }
    }

    /** Starts every node, each told the founder's address and one other member's (as --peer does). */
    public void start() throws IOException {
        for (int i = 0; i < nodes.size(); i++) {
            List<InetSocketAddress> bootstrap = new ArrayList<>();
            if (i != 0) {
                bootstrap.add(InetSocketAddress.createUnresolved(nodes.get(0).host().ip, SimFabric.PORT));
            }
            int other = random.nextInt(nodes.size());
            if (other != i && other != 0) {
                bootstrap.add(
                        InetSocketAddress.createUnresolved(nodes.get(other).host().ip, SimFabric.PORT));
            }
            nodes.get(i).start(bootstrap, spec.overlay(), spec.seed() * 31 + i);
        }
    }

    /** Runs for {@code seconds} of virtual time, noting the largest degree every 100 ms. */
    public void run(double seconds) {
        long until = scheduler.nanos() + (long) (seconds * SECOND);
        while (scheduler.nanos() < until) {
            scheduler.runFor(Math.min(100 * MS, until - scheduler.nanos()));
            sampleDegree();
        }
    }

    /** Cuts the fleet in two: nodes {@code from} and above on one side, the rest on the other. */
    public void partition(int from) {
        net.partition(
                h -> nodes.indexOf(nodeOf(h)) >= from,
                nodes.stream().map(SimNode::host).toList());
    }

    public void heal() {
        net.heal(nodes.stream().map(SimNode::host).toList());
    }

    private SimNode nodeOf(SimNet.Host h) {
        return nodes.stream().filter(n -> n.host() == h).findFirst().orElseThrow();
    }

    /** Whether the member sessions join every node into one overlay. */
    public boolean connected() {
        java.util.Map<io.swiftserve.identity.NodeId, SimNode> byId = new java.util.HashMap<>();
        nodes.forEach(n -> byId.put(n.key().id(), n));
        java.util.Set<SimNode> seen = new java.util.HashSet<>();
        java.util.ArrayDeque<SimNode> todo = new java.util.ArrayDeque<>(List.of(nodes.get(0)));
        while (!todo.isEmpty()) {
            SimNode n = todo.poll();
            if (seen.add(n)) {
                n.network().sessions().forEach(s -> {
                    SimNode m = byId.get(s.peer());
                    if (m != null && !seen.contains(m)) {
                        todo.add(m);
                    }
                });
            }
        }
        return seen.size() == nodes.size();
    }

    /** The fewest sessions any node holds now. */
    public int minDegree() {
        return nodes.stream().mapToInt(SimNode::degree).min().orElse(0);
    }

    /** Member sessions that came up on any node since the start: churn shows as a count that keeps climbing. */
    public long sessionsUp() {
        return nodes.stream().mapToLong(n -> n.network().membersUp()).sum();
    }

    /** The most member sessions any node held at a sample since the last distribution began. */
    public int maxDegree() {
        return maxDegree;
    }

    /** Runs until {@code done} holds, checked every 100 ms of virtual time, or {@code limitSeconds} passed. */
    public boolean runUntil(java.util.function.BooleanSupplier done, double limitSeconds) {
        long until = scheduler.nanos() + (long) (limitSeconds * SECOND);
        while (!done.getAsBoolean()) {
            if (scheduler.nanos() >= until) {
                return false;
            }
            scheduler.runFor(100 * MS);
            sampleDegree();
        }
        return true;
    }

    private void sampleDegree() {
        for (SimNode n : nodes) {
            maxDegree = Math.max(maxDegree, n.degree());
        }
    }

    /**
     * Publishes one file of {@code size} bytes on node 0 and runs until every node holds it, or for
     * at most {@code limitSeconds}. Times count from the add; completion is checked every 10 ms.
     */
    public Distribution distribute(long size, double limitSeconds) throws IOException {
        maxDegree = 0;
        long control0 = net.controlBytes();
        long data0 = net.dataBytes();
        long start = scheduler.nanos();
        degreeAtAdd = nodes.stream().mapToInt(SimNode::degree).toArray();
        outboundAtAdd = nodes.stream().mapToInt(SimNode::outbound).toArray();
        SeedWatch watch = new SeedWatch(
                nodes.get(0).host(),
                ChunkLayout.forSize(size).chunkCount(),
                nodes.stream().map(SimNode::host).toList());
        net.watch = watch;
        Hash id = nodes.get(0).publish("sim/file-" + size + ".bin", size, spec.seed());
        long[] sealedAt = new long[nodes.size()];
        long[] heldAt = new long[nodes.size()];
        long[][] havesAtStart = nodes.stream().map(SimNode::haveAnnouncements).toArray(long[][]::new);
        // what a receiver's downlink did not carry between the add and its copy is what the swarm lost
        long[] busyAtStart =
                nodes.stream().mapToLong(n -> n.host().down.busyNanos()).toArray();
        long[] idle = new long[nodes.size()];
        DownlinkUse use = new DownlinkUse(
                nodes.subList(1, nodes.size()).stream().map(n -> n.host().down).toList(), start);
        Arrays.fill(sealedAt, -1);
        Arrays.fill(heldAt, -1);
        int[] sealedCount = {0};
        int[] heldCount = {0};
        for (int i = 0; i < nodes.size(); i++) {
            int at = i;
            nodes.get(i).whenSealed(id, t -> {
                sealedAt[at] = t;
                sealedCount[0]++;
            });
        }
        long limit = start + (long) (limitSeconds * SECOND);
        while (heldCount[0] < nodes.size() && scheduler.nanos() < limit) {
            scheduler.runFor(10 * MS);
            for (int i = 0; i < nodes.size(); i++) {
                SimNode n = nodes.get(i);
                if (heldAt[i] < 0 && n.holds(id)) {
                    heldAt[i] = scheduler.nanos();
                    idle[i] = heldAt[i] - start - (n.host().down.busyNanos() - busyAtStart[i]);
                    heldCount[0]++;
                }
            }
            use.advance(scheduler.nanos(), Arrays.copyOfRange(heldAt, 1, heldAt.length));
            sampleDegree();
        }
        use.finish(scheduler.nanos(), Arrays.copyOfRange(heldAt, 1, heldAt.length));
        Arrays.fill(lastHaves, 0);
        for (int i = 0; i < nodes.size(); i++) {
            long[] now = nodes.get(i).haveAnnouncements();
            for (int k = 0; k < lastHaves.length; k++) {
                lastHaves[k] += now[k] - havesAtStart[i][k];
            }
        }
        this.lastHeldAt = heldAt.clone();
        this.lastStart = start;
        net.watch = null;
        this.lastSeedPhase = watch.phase();
        long[] downloaders = Arrays.stream(heldAt, 1, heldAt.length).sorted().toArray();
        boolean all = heldCount[0] == nodes.size();
        double seconds = all ? seconds(downloaders[downloaders.length - 1] - start) : limitSeconds;
        long firstSealed = Arrays.stream(sealedAt).filter(t -> t >= 0).min().orElse(start);
        long lastSealed = Arrays.stream(sealedAt).max().orElse(-1);
        double tmin = size * 8.0 / (spec.rateMbit() * 1e6);
        long data = net.dataBytes() - data0;
        return new Distribution(
                nodes.size(),
                spec.rateMbit(),
                size,
                spec.seed(),
                all,
                seconds,
                tmin,
                downloaders.length == 0 ? 0 : seconds(downloaders[0] - start),
                downloaders.length == 0 ? 0 : seconds(downloaders[downloaders.length / 2] - start),
                sealedCount[0] == nodes.size() ? seconds(lastSealed - firstSealed) : Double.NaN,
                data == 0 ? 0 : 100.0 * (net.controlBytes() - control0) / data,
                maxDegree,
                scheduler.executed(),
                net.trace(),
                seconds((long) Arrays.stream(idle, 1, idle.length).average().orElse(0)),
                seconds(Arrays.stream(idle, 1, idle.length).max().orElse(0)),
                use.quarters());
    }

    /** What {@link #concurrentAdds} measured. */
    public record Adds(int adds, boolean allSealed, double seconds, int reorgs, long blocks) {
        public String summary() {
            return String.format(
                    java.util.Locale.ROOT,
                    "sim-adds adds=%d all_sealed=%s time_s=%.3f reorgs=%d blocks=%d",
                    adds,
                    allSealed,
                    seconds,
                    reorgs,
                    blocks);
        }
    }

    /**
     * Nodes 1..{@code adds} each publish a small file within the same second (at random moments of
     * it); runs until every node's chain holds every one, or {@code limitSeconds}. Counts the head
     * changes that dropped blocks, summed over all nodes.
     */
    public Adds concurrentAdds(int adds, double limitSeconds) throws IOException {
        int[] reorgs = {0};
        nodes.forEach(n -> n.countReorgs(reorgs));
        long start = scheduler.nanos();
        long height0 = nodes.get(0).chain().height();
        List<Hash> ids = new ArrayList<>();
        for (int i = 1; i <= adds; i++) {
            SimNode n = nodes.get(i);
            long at = start + (long) (random.nextDouble() * SECOND);
            int k = i;
            scheduler.at(at, () -> {
                try {
                    ids.add(n.publish("adds/file-" + k + ".bin", 4096, spec.seed() * 1_000_003L + k));
                } catch (IOException e) {
                    throw new java.io.UncheckedIOException(e);
                }
            });
        }
        boolean all = runUntil(
                () -> ids.size() == adds
                        && nodes.stream().allMatch(n -> ids.stream().allMatch(n::sealed)),
                limitSeconds);
        return new Adds(
                adds,
                all,
                seconds(scheduler.nanos() - start),
                reorgs[0],
                nodes.get(0).chain().height() - height0);
    }

    private static double seconds(long nanos) {
        return nanos / 1e9;
    }

    /**
     * The last distribution's seed phase, as a line: when the seed had sent every chunk once and how
     * much the receivers still lacked, which the tail then had to move.
     */
    public String seedPhase() {
        if (lastSeedPhase == null) {
            return "the seed never sent every chunk";
        }
        return String.format(
                java.util.Locale.ROOT,
                "the seed had sent every chunk once at %.2f s; the receivers then lacked %d to %d chunks",
                seconds(lastSeedPhase.allSentNanos() - lastStart),
                lastSeedPhase.fewestMissing(),
                lastSeedPhase.mostMissing());
    }

    /**
     * The last distribution's HaveChunks messages per node, fast (chunks the peer lacked) and slow, and
     * how many chunks each named: every one is decoded and acted on by a peer's transfer thread.
     */
    public String haveLine() {
        double n = nodes.size();
        double perNode = (lastHaves[0] + lastHaves[1]) / n;
        return String.format(
                java.util.Locale.ROOT,
                "HaveChunks sent: %.0f per node (%.0f fast, %.0f slow), %.2f chunks each",
                perNode,
                lastHaves[0] / n,
                lastHaves[1] / n,
                perNode == 0 ? 0 : lastHaves[2] / (perNode * n));
    }

    /** The {@code k} nodes that finished last in the last distribution: index, seconds, sessions now. */
    public List<String> slowest(int k) {
        List<Integer> order = new ArrayList<>();
        for (int i = 1; i < lastHeldAt.length; i++) {
            order.add(i);
        }
        order.sort((a, b) -> Long.compare(
                lastHeldAt[b] < 0 ? Long.MAX_VALUE : lastHeldAt[b],
                lastHeldAt[a] < 0 ? Long.MAX_VALUE : lastHeldAt[a]));
        return order.stream()
                .limit(k)
                .map(i -> String.format(
                        java.util.Locale.ROOT,
                        "node %d (%s): %s, %d sessions (%d at the add, %d of them dialled)",
                        i,
                        nodes.get(i).key().id().shortId(),
                        lastHeldAt[i] < 0
                                ? "unfinished"
                                : String.format(java.util.Locale.ROOT, "%.2f s", seconds(lastHeldAt[i] - lastStart)),
                        nodes.get(i).degree(),
                        degreeAtAdd[i],
                        outboundAtAdd[i]))
                .toList();
    }

    /** How many nodes held each number of sessions when the last distribution's file was added. */
    public java.util.SortedMap<Integer, Integer> degreesAtAdd() {
        java.util.SortedMap<Integer, Integer> out = new java.util.TreeMap<>();
        for (int d : degreeAtAdd) {
            out.merge(d, 1, Integer::sum);
        }
        return out;
    }

    public SimNet net() {
        return net;
    }

    List<SimNode> nodes() {
        return nodes;
    }

    SimScheduler scheduler() {
        return scheduler;
    }

    @Override
    public void close() {
        Ambient.unbind();
    }
}

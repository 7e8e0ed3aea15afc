package io.swiftserve.sim;

import io.swiftserve.chain.Hash;
import java.nio.ByteBuffer;
import java.util.HashMap;
import java.util.Map;

/**
 * The simulated LAN: every host has a cable of one rate in each direction to a switch, and one
 * latency from host to host. Counts what crosses it, control and data apart. Partitions are groups:
 * hosts in different groups cannot reach each other while they are set.
 */
public final class SimNet {
    /** Frame overhead of a chunk on the wire (length prefix, envelope and ChunkData tags, file id, index). */
    static final int CHUNK_OVERHEAD = 48;

    private static final boolean TRACE = Boolean.getBoolean("swiftserve.sim.trace");
    final SimScheduler scheduler;
    final double bitsPerSecond;
    final long latencyNanos;
    private final Map<String, SimFabric> listeners = new HashMap<>();
    private final Map<Hash, Long> contentSeeds = new HashMap<>();
    long controlBytes;
    long dataBytes;
    /** The distribution being measured, if any: its chunks' deliveries go here too. */
    SeedWatch watch;

    private long trace = 17;
    private long deliveries;

    /**
     * What of a cable's rate carries TCP payload: a full 1448-byte segment costs 1538 bytes on
     * Ethernet (preamble, header, IP and TCP headers with timestamps, FCS, inter-frame gap).
     */
    public static final double ETHERNET = 1448.0 / 1538.0;
    /**
     * The same on {@code bench-lan.sh}'s links, tbf queues that count a segment's 1514 bytes from
     * the Ethernet header on (no preamble, FCS or gap; iperf3 reads 95.7 of 100 Mbit/s there), so
     * the simulation can speak in that benchmark's terms: one copy takes 1.046 x T_min there, 1.062 x
     * on a cable.
     */
    public static final double TBF = 1448.0 / 1514.0;

    private final double payloadShare;

    /** A host's two directions. */
    final class Host {
        final String ip;
        final Port up;
        final Port down;
        int group;

        Host(String ip) {
            this.ip = ip;
            this.up = new Port(scheduler, bitsPerSecond * payloadShare);
            this.down = new Port(scheduler, bitsPerSecond * payloadShare);
        }
    }

    public SimNet(SimScheduler scheduler, double bitsPerSecond, long latencyNanos, double payloadShare) {
        this.scheduler = scheduler;
        this.payloadShare = payloadShare;
        this.bitsPerSecond = bitsPerSecond;
        this.latencyNanos = latencyNanos;
    }

    Host host(String ip) {
        return new Host(ip);
    }

    private final java.util.List<SimLink> links = new java.util.ArrayList<>();

    void opened(SimLink link) {
        links.add(link);
    }

    /** Puts the hosts {@code inGroup} selects in group 1, the others in 0, and cuts every connection between the two. */
    void partition(java.util.function.Predicate<Host> inGroup, java.util.List<Host> all) {
        all.forEach(h -> h.group = inGroup.test(h) ? 1 : 0);
        links.removeIf(l -> !l.isOpen());
        for (SimLink l : java.util.List.copyOf(links)) {
            if (!l.crossesGroups()) {
                continue;
            }
            l.close();
        }
    }

    void heal(java.util.List<Host> all) {
        all.forEach(h -> h.group = 0);
    }

    void listen(String address, SimFabric fabric) {
        listeners.put(address, fabric);
    }

    SimFabric listener(String address) {
        return listeners.get(address);
    }

    boolean reachable(Host a, Host b) {
        return a.group == b.group;
    }

    /** Notes one delivered message in the run's trace: when, between whom, how large. */
    void delivered(Host from, Host to, long bytes) {
        deliveries++;
        if (TRACE) {
            System.err.println("T " + scheduler.nanos() + " " + from.ip + " " + to.ip + " " + bytes);
        }
        trace = trace * 1_000_003L + scheduler.nanos();
        trace = trace * 31 + from.ip.hashCode();
        trace = trace * 31 + to.ip.hashCode();
        trace = trace * 31 + bytes;
    }

    /** Which chunk a delivery carried: for the distribution's {@link SeedWatch}, and printed when tracing. */
    void deliveredChunk(Host from, Host to, int index) {
        if (watch != null) {
            watch.delivered(from, to, index, scheduler.nanos());
        }
        if (TRACE) {
            System.err.println("C " + scheduler.nanos() + " " + from.ip + " " + to.ip + " " + index);
        }
    }

    /** A digest of every delivery so far, in order: equal for equal runs. */
    public long trace() {
        return trace;
    }

    public long deliveries() {
        return deliveries;
    }

    public long controlBytes() {
        return controlBytes;
    }

    public long dataBytes() {
        return dataBytes;
    }

    /** Chunk {@code index} of version {@code fileId} on the simulated wire: a token standing for its bytes. */
    ByteBuffer token(byte[] fileId, int index) {
        Long seed = contentSeeds.get(Hash.of(fileId));
        return tokenOf(seed == null ? 0 : seed, index);
    }

    static ByteBuffer tokenOf(long seed, int index) {
        return ByteBuffer.allocate(12).putLong(seed).putInt(index).flip();
    }

    /** The token each chunk of the version published with {@code seed} travels as. */
    void registerContent(Hash fileId, long seed) {
        contentSeeds.put(fileId, seed);
    }
}

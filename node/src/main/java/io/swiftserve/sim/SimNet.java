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

    final SimScheduler scheduler;
    final double bitsPerSecond;
    final long latencyNanos;
    private final Map<String, SimFabric> listeners = new HashMap<>();
    private final Map<Hash, Long> contentSeeds = new HashMap<>();
    long controlBytes;
    long dataBytes;

    /** A host's two directions. */
    final class Host {
        final String ip;
        final Port up;
        final Port down;
        int group;

        Host(String ip) {
            this.ip = ip;
            this.up = new Port(scheduler, bitsPerSecond);
            this.down = new Port(scheduler, bitsPerSecond);
        }
    }

    public SimNet(SimScheduler scheduler, double bitsPerSecond, long latencyNanos) {
        this.scheduler = scheduler;
        this.bitsPerSecond = bitsPerSecond;
        this.latencyNanos = latencyNanos;
    }

    Host host(String ip) {
        return new Host(ip);
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

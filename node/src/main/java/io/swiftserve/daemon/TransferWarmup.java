package io.swiftserve.daemon;

import io.swiftserve.chain.FileEntry;
import io.swiftserve.chain.InviteToken;
import io.swiftserve.net.Transport;
import io.swiftserve.util.FileTrees;
import io.swiftserve.util.QuietThreads;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.SplittableRandom;
import java.util.function.BooleanSupplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Right after {@code swiftserve run} starts its node, three throwaway nodes on 127.0.0.1 found a
 * network of their own, one adds a file of random bytes and the other two fetch it from it and from
 * each other, over the daemon's transport; then all stop and their directory is deleted. The JIT
 * compiles methods, not nodes: the block, the manifest, the handshake, the request pump, the chunk frames, the hashing,
 * the partial file and sendfile are then compiled code when the first real file arrives. A cold
 * fleet spent its first transfer's first second in the compiler (16 daemons on 2 cores: the first
 * chunk 1.95 s after the add, against 0.67 s on the same daemons' second transfer; 1.76 against
 * 1.48 x T_min; docs/PERFORMANCE.md).
 *
 * <p>The throwaway nodes run in {@link QuietThreads#GROUP}, so their log lines are dropped; this
 * class reports the outcome in one line. Nothing they do reaches the daemon's node: another network
 * id, other keys, loopback only, their own store under {@code DIR/warmup}, deleted before and after.
 * A failure costs only the warm-up. {@code run --no-warmup} skips it.
 */
public final class TransferWarmup {
    private static final Logger log = LoggerFactory.getLogger(TransferWarmup.class);
    /** 64 chunks: at the launcher's thresholds (0.05 of the defaults) C1 compiles a method after about ten calls. */
    static final int DEFAULT_MIB = 16;
    /**
     * Two receivers, not one: with a single one nothing relays, and the paths of a swarm (HAVE
     * batches, bitmaps, relayed blocks, the end game's cancels) were compiled during the first real
     * transfer instead (518 methods per daemon in the 16-host benchmark); with them compiled first
     * that benchmark took 0.98 x the time.
     */
    static final int PEERS = 2;

    static final Duration LIMIT = Duration.ofSeconds(120);
    static final String DIR = "warmup";

    private TransferWarmup() {}

    /** Runs the warm-up on a thread of its own, once; {@code -Dswiftserve.transferWarmup=MiB} sizes it (0: off). */
    public static Thread start(Path dataDir, Transport transport) {
        return start(dataDir, transport, Integer.getInteger("swiftserve.transferWarmup", DEFAULT_MIB));
    }

    static Thread start(Path dataDir, Transport transport, int mib) {
        Thread t = new Thread(QuietThreads.GROUP, () -> runAndReport(dataDir.resolve(DIR), transport, mib), "warmup");
        t.setDaemon(true);
        if (mib > 0) {
            t.start();
        }
        return t;
    }

    private static void runAndReport(Path root, Transport transport, int mib) {
        long start = System.nanoTime();
        try {
            run(root, transport, mib);
            log.info(
                    "warmed up the transfer path: {} MiB among {} throwaway nodes on 127.0.0.1 in {} ms",
                    mib,
                    PEERS + 1,
                    (System.nanoTime() - start) / 1_000_000);
        } catch (Exception e) {
            log.info("transfer warm-up skipped: {}", e.getMessage() == null ? e.toString() : e.getMessage());
        } catch (LinkageError | OutOfMemoryError e) {
            log.info("transfer warm-up skipped: {}", e.toString());
        }
    }

    /** One warm-up under {@code root}, which it deletes before and after; throws what went wrong. */
    static void run(Path root, Transport transport, int mib) throws Exception {
        QuietThreads.enter(TransferWarmup.class.getName());
        try {
            runQuietly(root, transport, mib);
        } finally {
            QuietThreads.leave();
        }
    }

    private static void runQuietly(Path root, Transport transport, int mib) throws Exception {
        FileTrees.delete(root);
        Clock clock = Clock.systemUTC();
        List<Node> nodes = new ArrayList<>();
        try {
            Files.createDirectories(root);
            Path seedDir = root.resolve("seed");
            NodeInit.found(seedDir, "warmup", clock);
            Node seed = new Node(config(seedDir, transport), clock);
            nodes.add(seed);
            seed.start();
            for (int i = 1; i <= PEERS; i++) {
                String invite = InviteToken.create(
                                seed.key(), seed.chain().networkId(), LIMIT, List.of(seed.address()), clock)
                        .format();
                Node peer = new Node(config(root.resolve("peer" + i), transport).withJoin(invite), clock);
                nodes.add(peer);
                peer.start();
            }
            await("the throwaway nodes connect", () -> nodes.stream().allMatch(n -> peers(n) == PEERS));
            long size = (long) mib << 20;
            seed.admin().add("warmup.bin", size, new RandomBytes(size));
            await("the throwaway peers hold the file", () -> nodes.stream().allMatch(n -> holds(n, "warmup.bin")));
        } finally {
            for (int i = nodes.size() - 1; i >= 0; i--) {
                nodes.get(i).close();
            }
            FileTrees.delete(root);
        }
    }

    private static NodeConfig config(Path dir, Transport transport) {
        return NodeConfig.local(dir).withTransport(transport).withStatus("127.0.0.1", -1);
    }

    private static int peers(Node n) {
        return n.network().memberSessions().size();
    }

    private static boolean holds(Node n, String path) {
        Optional<FileEntry> f = n.chain().state().file(path);
        return f.isPresent() && n.transfer().holds(f.get().fileId());
    }

    private static void await(String what, BooleanSupplier done) throws IOException, InterruptedException {
        long deadline = System.nanoTime() + LIMIT.toNanos();
        while (!done.getAsBoolean()) {
            if (System.nanoTime() > deadline) {
                throw new IOException("timed out waiting until " + what);
            }
            Thread.sleep(20);
        }
    }

    /** {@code size} bytes no two chunks of which are alike (equal chunks would be stored once). */
    private static final class RandomBytes extends InputStream {
        private final SplittableRandom random = new SplittableRandom();
        private long left;

        RandomBytes(long size) {
            this.left = size;
        }

        @Override
        public int read() {
            if (left == 0) {
                return -1;
            }
            left--;
            return random.nextInt(256);
        }

        @Override
        public int read(byte[] b, int off, int len) {
            if (left == 0) {
                return -1;
            }
            int n = (int) Math.min(len, left);
            for (int i = 0; i < n; i += 8) {
                long v = random.nextLong();
                for (int k = 0; k < 8 && i + k < n; k++) {
                    b[off + i + k] = (byte) (v >>> (8 * k));
                }
            }
            left -= n;
            return n;
        }
    }
}

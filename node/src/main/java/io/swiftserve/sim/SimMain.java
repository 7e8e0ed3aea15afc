package io.swiftserve.sim;

import io.swiftserve.util.PrivateDirs;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Comparator;
import java.util.Locale;
import java.util.stream.Stream;

/**
 * {@code scripts/bench-sim.sh}'s entry point: {@code N RATE_MBIT SIZE_MIB [--seed S] [--latency-us U]
 * [--degree D] [--max-peers M] [--adds K] [--settle S] [--framing ethernet|tbf]}. Prints the case's figures, then one machine-readable summary line.
 */
public final class SimMain {
    private SimMain() {}

    public static void main(String[] args) throws IOException {
        if (args.length < 3) {
            System.err.println(
                    "usage: bench-sim.sh N RATE_MBIT SIZE_MIB [--seed S] [--latency-us U] [--degree D] [--max-peers M] [--adds K]"
                            + " [--settle S] [--framing ethernet|tbf]");
            System.exit(2);
        }
        long seed = 1;
        int adds = 0;
        double settle = 20;
        double payloadShare = SimNet.ETHERNET;
        int maxPeers = io.swiftserve.gossip.Overlay.Options.DEFAULT.maxPeers();
        long latencyUs = 100;
        int degree = io.swiftserve.gossip.Overlay.Options.DEFAULT.outbound();
        int n;
        double rate;
        long sizeMib;
        try {
            n = Integer.parseInt(args[0]);
            rate = Double.parseDouble(args[1]);
            sizeMib = Long.parseLong(args[2]);
            for (int i = 3; i + 1 < args.length; i += 2) {
                switch (args[i]) {
                    case "--seed" -> seed = Long.parseLong(args[i + 1]);
                    case "--latency-us" -> latencyUs = Long.parseLong(args[i + 1]);
                    case "--degree" -> degree = Integer.parseInt(args[i + 1]);
                    case "--adds" -> adds = Integer.parseInt(args[i + 1]);
                    case "--max-peers" -> maxPeers = Integer.parseInt(args[i + 1]);
                    case "--settle" -> settle = Double.parseDouble(args[i + 1]);
                    case "--framing" -> payloadShare = framing(args[i + 1]);
                    default -> throw new IllegalArgumentException("unknown option " + args[i]);
                }
            }
        } catch (IllegalArgumentException e) {
            System.err.println("bench-sim: " + e.getMessage());
            System.exit(2);
            return;
        }
        if (System.getProperty("swiftserve.log.level") == null) {
            // a thousand nodes' INFO lines would drown the figures; warnings and errors still show
            ((ch.qos.logback.classic.Logger) org.slf4j.LoggerFactory.getLogger(org.slf4j.Logger.ROOT_LOGGER_NAME))
                    .setLevel(ch.qos.logback.classic.Level.WARN);
        }
        var defaults = io.swiftserve.gossip.Overlay.Options.DEFAULT;
        var overlay = new io.swiftserve.gossip.Overlay.Options(degree, maxPeers, defaults.rotateEvery());
        Path dir = Files.createTempDirectory("swiftserve-sim");
        PrivateDirs.create(dir);
        int exit = 1;
        long cpu0 = cpuNanos();
        long wall0 = System.nanoTime();
        try (Simulation sim =
                new Simulation(new Simulation.Case(n, rate, latencyUs, seed, overlay, payloadShare), dir)) {
            sim.start();
            sim.run(settle);
            if (adds > 0) {
                Simulation.Adds a = sim.concurrentAdds(Math.min(adds, n - 1), 600);
                System.out.printf(
                        Locale.ROOT,
                        "%d members added a file within one second: %s in %.3f s, %d blocks, %d reorgs seen (summed over nodes)%n",
                        a.adds(),
                        a.allSealed() ? "every transaction on every node's chain" : "NOT all sealed",
                        a.seconds(),
                        a.blocks(),
                        a.reorgs());
                System.out.println(a.summary());
                exit = a.allSealed() ? 0 : 1;
                return;
            }
            Distribution d = sim.distribute(sizeMib << 20, 3_600);
            double wall = (System.nanoTime() - wall0) / 1e9;
            double cpu = (cpuNanos() - cpu0) / 1e9;
            System.out.printf(
                    Locale.ROOT,
                    "simulated %d nodes at %s Mbit/s%s, %d MiB, seed %d: %s%n",
                    n,
                    args[1],
                    payloadShare == SimNet.TBF ? " (bench-lan.sh's tbf framing)" : "",
                    sizeMib,
                    seed,
                    d.allHold() ? "every node holds a verified copy" : "NOT every node finished");
            System.out.printf(
                    Locale.ROOT,
                    "  time %.2f s, T_min %.2f s, ratio %.3f; nodes done first/median/last %.2f/%.2f/%.2f s%n",
                    d.seconds(),
                    d.tminSeconds(),
                    d.ratio(),
                    d.firstSeconds(),
                    d.medianSeconds(),
                    d.seconds());
            System.out.printf(
                    Locale.ROOT,
                    "  control traffic %.3f %% of data bytes; max connections per node %d (degree %d, max %d);"
                            + " block reached every node in %.3f s%n",
                    d.controlPercent(),
                    d.maxDegree(),
                    overlay.outbound(),
                    overlay.maxPeers(),
                    d.blockAllSeconds());
            System.out.printf(
                    Locale.ROOT,
                    "  %d events, trace %016x; this JVM: %.1f s wall, %.1f CPU-s%n",
                    d.events(),
                    d.trace(),
                    wall,
                    cpu);
            System.out.println("  " + d.downlinkIdle());
            System.out.println("  " + d.downlinkUse());
            System.out.println("  " + sim.seedPhase());
            System.out.println("  " + sim.haveLine());
            System.out.println("  last to finish: " + String.join("; ", sim.slowest(5)));
            System.out.println("  sessions per node at the add (sessions=nodes): " + sim.degreesAtAdd());
            System.out.println(d.summary());
            exit = d.allHold() ? 0 : 1;
        } finally {
            try (Stream<Path> files = Files.walk(dir)) {
                files.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
            }
        }
        System.exit(exit);
    }

    /** A cable's framing (preamble, gap) or bench-lan.sh's tbf links'. */
    private static double framing(String name) {
        return switch (name) {
            case "ethernet" -> SimNet.ETHERNET;
            case "tbf" -> SimNet.TBF;
            default -> throw new IllegalArgumentException("--framing takes ethernet or tbf, not " + name);
        };
    }

    private static long cpuNanos() {
        var os = java.lang.management.ManagementFactory.getOperatingSystemMXBean();
        return os instanceof com.sun.management.OperatingSystemMXBean b ? b.getProcessCpuTime() : 0;
    }
}

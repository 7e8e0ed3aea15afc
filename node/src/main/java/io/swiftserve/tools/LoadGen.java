package io.swiftserve.tools;

import io.swiftserve.identity.NodeKey;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * The fleet load generator (issue 17, item 7): {@code peers} members of a {@link FleetPlan} connect
 * to one real daemon and announce and request chunks of its resident versions (see
 * {@link LoadPeer}) for a warm-up, then a measured window; it reports the events the daemon
 * sustained and, given the daemon's pid, the CPU it spent on them, per thread group, and its RSS.
 * It lives in main sources, not test sources, so {@code scripts/bench-fleet-load.sh} runs it from
 * the shaded jar against a daemon started as its own process, like the other tools; a test
 * drives {@link #run} at a tiny size.
 */
public final class LoadGen {
    /**
     * What to run; {@code daemonPid} 0: no CPU or memory figures (an in-process daemon). The peers
     * keep going for {@code hold} after the measured window, so the script can read the daemon's
     * heap under load, after the figures of the window are printed.
     */
    public record Options(
            Path plan,
            String host,
            int port,
            int peers,
            Duration warmup,
            Duration measured,
            int window,
            long daemonPid,
            Duration hold,
            int active) {}

    /** The measured window: events are HAVEs sent plus chunks received. */
    public record Result(
            int connected,
            long announcedComplete,
            long haves,
            long chunks,
            long chunkBytes,
            long rejects,
            long failed,
            double seconds,
            double daemonCpuSeconds,
            long rssKib,
            long peakRssKib,
            int threads,
            Map<String, Long> threadTicks) {
        public long events() {
            return haves + chunks;
        }

        public double eventsPerSecond() {
            return events() / seconds;
        }

        public double cpuMicrosPerEvent() {
            return events() == 0 ? 0 : daemonCpuSeconds * 1e6 / events();
        }
    }

    private static final Duration CONNECT_TIMEOUT = Duration.ofSeconds(30);

    private LoadGen() {}

    public static Result run(Options o, PrintStream out) throws IOException, InterruptedException {
        FleetPlan plan = FleetPlan.read(o.plan());
        if (o.peers() > plan.members().size()) {
            throw new IOException("the plan holds " + plan.members().size() + " member keys, not " + o.peers());
        }
        if (o.active() > 0 && o.active() < plan.files().size()) {
            // the fleet's usual state: many resident versions, few of them moving at a time
            plan = new FleetPlan(plan.network(), plan.members(), plan.files().subList(0, o.active()));
        }
        LoadPeer.Counters counters = new LoadPeer.Counters();
        List<LoadPeer> peers = new ArrayList<>();
        List<Thread> threads = new ArrayList<>();
        for (int i = 0; i < o.peers(); i++) {
            // 8 peers a source address keeps each under the node's 16 connections per address
            String local = "127.0.0." + (2 + i / 8);
            LoadPeer p = new LoadPeer(
                    o.host(), o.port(), local, NodeKey.fromSeed(plan.members().get(i)), plan, o.window(), counters, i);
            Thread t = new Thread(p, "loadpeer-" + i);
            t.setDaemon(true);
            peers.add(p);
            threads.add(t);
            t.start();
        }
        // the warm-up starts once every peer is in (or failed): TLS and handshakes of 64 peers take seconds
        long connectBy = System.nanoTime() + CONNECT_TIMEOUT.toNanos();
        while (counters.connected.sum() + counters.failed.sum() < o.peers() && System.nanoTime() < connectBy) {
            Thread.sleep(20);
        }
        // nothing to measure when nobody got in: say why at once instead of after the whole window
        Duration measured = counters.connected.sum() == 0 ? Duration.ZERO : o.measured();
        Thread.sleep(measured.isZero() ? 0 : o.warmup().toMillis());
        long haves0 = counters.haves.sum();
        long[] received0 = counters.received.snapshot();
        long rejects0 = counters.rejects.sum();
        ProcStats before = o.daemonPid() > 0 ? ProcStats.of(o.daemonPid()) : null;
        long t0 = System.nanoTime();
        Thread.sleep(Math.max(1, measured.toMillis()));
        ProcStats after = o.daemonPid() > 0 ? ProcStats.of(o.daemonPid()) : null;
        double seconds = (System.nanoTime() - t0) / 1e9;
        long[] received1 = counters.received.snapshot();
        Result r = new Result(
                (int) counters.connected.sum(),
                counters.announcedComplete.sum(),
                counters.haves.sum() - haves0,
                received1[0] - received0[0],
                received1[1] - received0[1],
                counters.rejects.sum() - rejects0,
                counters.failed.sum(),
                seconds,
                after == null ? 0 : (after.cpuTicks() - before.cpuTicks()) * ProcStats.TICK_SECONDS,
                after == null ? 0 : after.rssKib(),
                after == null ? 0 : after.peakRssKib(),
                after == null ? 0 : after.threads(),
                after == null ? Map.of() : after.threadTicksSince(before));
        report(r, o, out);
        out.printf(Locale.ROOT, "holding the load for %d s%n", o.hold().toSeconds());
        out.flush();
        Thread.sleep(measured.isZero() ? 0 : o.hold().toMillis());
        counters.stop = true;
        for (Thread t : threads) {
            t.join(2_000);
        }
        peers.stream()
                .map(LoadPeer::failure)
                .filter(f -> f != null)
                .distinct()
                .limit(5)
                .forEach(f -> out.println("peer failed: " + f));
        return r;
    }

    private static void report(Result r, Options o, PrintStream out) {
        out.printf(
                Locale.ROOT,
                "%d of %d peers connected; the daemon announced %d complete versions (%d per peer)%n",
                r.connected(),
                o.peers(),
                r.announcedComplete(),
                r.connected() == 0 ? 0 : r.announcedComplete() / r.connected());
        out.printf(
                Locale.ROOT,
                "measured %.1f s: %d chunks (%.1f MiB), %d HAVEs, %d refusals, %d peers failed: %.0f events/s%n",
                r.seconds(),
                r.chunks(),
                r.chunkBytes() / 1048576.0,
                r.haves(),
                r.rejects(),
                r.failed(),
                r.eventsPerSecond());
        if (o.daemonPid() <= 0) {
            return;
        }
        out.printf(
                Locale.ROOT,
                "daemon CPU %.1f s in %.1f s (%.2f cores): %.1f us per event; RSS %d MiB (peak %d), %d threads%n",
                r.daemonCpuSeconds(),
                r.seconds(),
                r.daemonCpuSeconds() / r.seconds(),
                r.cpuMicrosPerEvent(),
                r.rssKib() / 1024,
                r.peakRssKib() / 1024,
                r.threads());
        StringBuilder busiest = new StringBuilder("daemon CPU by thread:");
        r.threadTicks().entrySet().stream()
                .filter(e -> e.getValue() > 0)
                .sorted(Map.Entry.<String, Long>comparingByValue(Comparator.reverseOrder()))
                .limit(8)
                .forEach(e -> busiest.append(
                        String.format(Locale.ROOT, " %s %.1f s;", e.getKey(), e.getValue() * ProcStats.TICK_SECONDS)));
        out.println(busiest);
    }

    /**
     * {@code LoadGen PLAN HOST PORT PEERS WARMUP_S SECONDS HOLD_S WINDOW [DAEMON_PID [ACTIVE]]}; ACTIVE
     * (0: all) limits the versions the peers announce and request to the plan's first ACTIVE. Exit 1
     * when nothing was served, a peer did not connect or one failed. The last line is the
     * machine-readable one.
     */
    public static void main(String[] args) throws IOException, InterruptedException {
        if (args.length < 8 || args.length > 10) {
            System.err.println(
                    "usage: LoadGen PLAN HOST PORT PEERS WARMUP_S SECONDS HOLD_S WINDOW [DAEMON_PID [ACTIVE]]");
            System.exit(2);
        }
        Options o = new Options(
                Path.of(args[0]),
                args[1],
                Integer.parseInt(args[2]),
                Integer.parseInt(args[3]),
                Duration.ofSeconds(Long.parseLong(args[4])),
                Duration.ofSeconds(Long.parseLong(args[5])),
                Integer.parseInt(args[7]),
                args.length >= 9 ? Long.parseLong(args[8]) : 0,
                Duration.ofSeconds(Long.parseLong(args[6])),
                args.length == 10 ? Integer.parseInt(args[9]) : 0);
        Result r = run(o, System.out);
        System.out.printf(
                Locale.ROOT,
                "loadgen peers=%d seconds=%.1f events=%d events_per_s=%.0f chunks=%d haves=%d rejects=%d failed=%d"
                        + " cpu_s=%.2f cpu_us_per_event=%.1f rss_mib=%d threads=%d%n",
                r.connected(),
                r.seconds(),
                r.events(),
                r.eventsPerSecond(),
                r.chunks(),
                r.haves(),
                r.rejects(),
                r.failed(),
                r.daemonCpuSeconds(),
                r.cpuMicrosPerEvent(),
                r.rssKib() / 1024,
                r.threads());
        System.exit(r.chunks() > 0 && r.connected() == o.peers() && r.failed() == 0 ? 0 : 1);
    }
}

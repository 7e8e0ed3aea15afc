package io.swiftserve.tools;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.Map;
import java.util.TreeMap;

/**
 * A process's CPU time, per thread and in all, its RSS and thread count, read from Linux's
 * {@code /proc} (the load benchmark measures a daemon that runs as its own process). Times are in
 * clock ticks of 10 ms: {@code USER_HZ} is 100 on every Linux the benchmark runs on.
 */
record ProcStats(long cpuTicks, Map<String, Long> threadTicks, long rssKib, long peakRssKib, int threads) {
    static final double TICK_SECONDS = 0.01;

    static ProcStats of(long pid) throws IOException {
        Path proc = Path.of("/proc", Long.toString(pid));
        long cpu = ticks(Files.readString(proc.resolve("stat")));
        Map<String, Long> byThread = new HashMap<>();
        try (var tasks = Files.list(proc.resolve("task"))) {
            for (Path task : (Iterable<Path>) tasks::iterator) {
                try {
                    String stat = Files.readString(task.resolve("stat"));
                    String name = stat.substring(stat.indexOf('(') + 1, stat.lastIndexOf(')'));
                    byThread.merge(group(name), ticks(stat), Long::sum);
                } catch (IOException e) {
                    // the thread ended between the listing and the read
                }
            }
        }
        long rss = 0;
        long peak = 0;
        int threads = 0;
        for (String line : Files.readAllLines(proc.resolve("status"))) {
            if (line.startsWith("VmRSS:")) {
                rss = kib(line);
            } else if (line.startsWith("VmHWM:")) {
                peak = kib(line);
            } else if (line.startsWith("Threads:")) {
                threads = Integer.parseInt(line.substring(8).trim());
            }
        }
        return new ProcStats(cpu, byThread, rss, peak, threads);
    }

    /** Per thread group, the ticks spent since {@code before} (threads started since count whole). */
    Map<String, Long> threadTicksSince(ProcStats before) {
        Map<String, Long> out = new TreeMap<>();
        threadTicks.forEach((k, v) -> out.put(k, v - before.threadTicks.getOrDefault(k, 0L)));
        return out;
    }

    /** "nioEventLoopGroup-3-1" and "nioEventLoopGroup-3-2" are one pool: digits become '#'. */
    static String group(String threadName) {
        return threadName.replaceAll("[0-9]+", "#");
    }

    /** utime + stime: fields 14 and 15, counted after the parenthesised name, which may hold spaces. */
    private static long ticks(String stat) {
        String[] f = stat.substring(stat.lastIndexOf(')') + 2).split(" ");
        return Long.parseLong(f[11]) + Long.parseLong(f[12]);
    }

    private static long kib(String line) {
        return Long.parseLong(line.replaceAll("[^0-9]", ""));
    }
}

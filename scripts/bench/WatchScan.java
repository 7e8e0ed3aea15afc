import io.swiftserve.transfer.TreeWalk;
import java.io.PrintWriter;
import java.io.Writer;
import java.lang.management.ManagementFactory;
import java.nio.file.Path;

/**
 * What a watched folder costs at rest: the daemon's walk (TreeWalk: names, sizes, mtimes, modes)
 * of the tree at args[0], timed after a warm-up, against find -printf of the same attributes in
 * the same run. Run by scripts/bench-watch-scan.sh with the daemon's jar on the class path.
 */
public class WatchScan {
    public static void main(String[] args) throws Exception {
        Path root = Path.of(args[0]);
        int walks = 20;
        var os = (com.sun.management.OperatingSystemMXBean) ManagementFactory.getOperatingSystemMXBean();
        int entries = 0;
        double wallMs = 0;
        double cpuMs = 0;
        for (int round = 0; round < 3; round++) { // round 0 warms the JIT up, as a daemon's first scans do
            long t0 = System.nanoTime();
            long c0 = os.getProcessCpuTime();
            for (int i = 0; i < walks; i++) {
                entries = TreeWalk.of(root, new PrintWriter(Writer.nullWriter())).entries().size();
            }
            wallMs = (System.nanoTime() - t0) / 1e6 / walks;
            cpuMs = (os.getProcessCpuTime() - c0) / 1e6 / walks;
        }
        long t0 = System.nanoTime();
        for (int i = 0; i < walks; i++) {
            new ProcessBuilder("find", args[0], "-printf", "%s %T@ %m %p\\n")
                    .redirectOutput(ProcessBuilder.Redirect.DISCARD)
                    .start()
                    .waitFor();
        }
        double findMs = (System.nanoTime() - t0) / 1e6 / walks;
        System.out.printf("entries                 %d%n", entries);
        System.out.printf("walk (daemon)           %.1f ms, %.1f ms CPU%n", wallMs, cpuMs);
        System.out.printf("find -printf (ref.)     %.1f ms  (walk / find = %.2f)%n", findMs, wallMs / findMs);
        System.out.printf("CPU at rest, scans every 2.5 s (debounce 5s): %.1f %% of a core%n", cpuMs / 25);
        System.out.printf("CPU at rest, scans every 10 s (debounce 20s+): %.1f %% of a core%n", cpuMs / 100);
    }
}

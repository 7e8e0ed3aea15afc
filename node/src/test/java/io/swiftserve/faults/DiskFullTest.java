package io.swiftserve.faults;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.swiftserve.chain.Hash;
import io.swiftserve.cluster.LogCapture;
import io.swiftserve.cluster.NodeFiles;
import io.swiftserve.cluster.TestCluster;
import io.swiftserve.cluster.TestFiles;
import io.swiftserve.daemon.Node;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * A node whose partial and share directories sit on a 48 MiB tmpfs receives a 96 MiB file: the disk
 * fills, the node logs a clear error and reports the file as "error: ..." (never complete), and once
 * the file system grows (remount) it finishes the file with the right bytes. Needs root for
 * {@code mount -t tmpfs}; skipped otherwise.
 */
@Timeout(value = 150, unit = TimeUnit.SECONDS)
class DiskFullTest {
    private static final String PATH = "full/disk.bin";

    @TempDir
    Path dir;

    private TestCluster cluster;
    private Path mount;

    private static int sh(String... cmd) throws Exception {
        Process p = new ProcessBuilder(cmd).redirectErrorStream(true).start();
        if (!p.waitFor(20, TimeUnit.SECONDS)) {
            p.destroyForcibly();
            return -1;
        }
        String out = new String(p.getInputStream().readAllBytes());
        if (p.exitValue() != 0) {
            System.out.println("[DiskFullTest] " + String.join(" ", cmd) + ": " + out.trim());
        }
        return p.exitValue();
    }

    @AfterEach
    void tearDown() throws Exception {
        if (cluster != null) {
            cluster.close();
        }
        if (mount != null) {
            sh("umount", "-l", mount.toString());
        }
    }

    @Test
    void aFullDiskIsAnErrorNotACompleteFileAndTheNodeRecovers() throws Exception {
        mount = dir.resolve("small-disk");
        Files.createDirectories(mount);
        boolean mounted = sh("mount", "-t", "tmpfs", "-o", "size=48m", "tmpfs", mount.toString()) == 0;
        if (!mounted) {
            mount = null;
        }
        Assumptions.assumeTrue(mounted, "mount -t tmpfs is not permitted here");

        cluster = TestCluster.converged(dir.resolve("cluster"), 1);
        Node seed = cluster.node(0);
        Path data = cluster.dataDir(1);
        cluster.stop(1);
        for (String sub : new String[] {"partial", "files"}) {
            Path real = data.resolve(sub);
            if (Files.exists(real)) {
                try (var s = Files.list(real)) {
                    assertThat(s.count()).as("%s empty before the move", sub).isZero();
                }
                Files.delete(real);
            }
            Files.createDirectories(mount.resolve(sub));
            Files.createSymbolicLink(real, mount.resolve(sub));
        }
        Node victim = cluster.restart(1);
        cluster.awaitConverged();

        Path source = dir.resolve("disk.bin");
        String sha = TestFiles.writeRandom(source, 96L * TestFiles.MIB, 61);
        try (LogCapture swarm = LogCapture.of(Class.forName("io.swiftserve.transfer.Swarm"))) {
            Hash id = NodeFiles.add(seed, PATH, source);
            await("the victim reports the write error")
                    .atMost(Duration.ofSeconds(60))
                    .pollInterval(Duration.ofMillis(50))
                    .until(() -> NodeFiles.state(victim, id).startsWith("error"));
            String state = NodeFiles.state(victim, id);
            List<String> lines = swarm.containing("cannot write");
            System.out.printf(
                    "[DiskFullTest] disk full: status '%s', log '%s', %d of %d chunks held%n",
                    state,
                    lines.isEmpty() ? "-" : lines.get(0),
                    NodeFiles.have(victim, id),
                    victim.chain().state().file(PATH).orElseThrow().chunkCount());
            assertThat(state).containsIgnoringCase("space");
            assertThat(lines).isNotEmpty();
            assertThat(NodeFiles.isComplete(victim, id)).isFalse();
            assertThat(Files.exists(NodeFiles.shared(victim, PATH))).isFalse();
            // it stays an error, not complete, while the disk is full
            await().during(Duration.ofSeconds(3))
                    .atMost(Duration.ofSeconds(10))
                    .until(() -> !NodeFiles.isComplete(victim, id));

            long t0 = System.nanoTime();
            assertThat(sh("mount", "-o", "remount,size=512m", mount.toString())).isZero();
            NodeFiles.awaitComplete(List.of(victim), id, Duration.ofSeconds(60));
            System.out.printf(
                    "[DiskFullTest] space returned: complete %.1f s later, state '%s', SHA-256 matches: %s%n",
                    (System.nanoTime() - t0) / 1e9,
                    NodeFiles.state(victim, id),
                    TestFiles.sha256(NodeFiles.shared(victim, PATH)).equals(sha) ? "yes" : "NO");
            assertThat(TestFiles.sha256(NodeFiles.shared(victim, PATH))).isEqualTo(sha);
        }
    }
}

package io.swiftserve.hostile;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.swiftserve.chain.Transaction;
import io.swiftserve.chain.TransactionRules;
import io.swiftserve.chain.Transactions;
import io.swiftserve.cluster.TestCluster;
import io.swiftserve.daemon.Node;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.junit.jupiter.api.AutoClose;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * A member publishes many files whose data exists nowhere. Every node starts a download for each
 * and must not keep a file descriptor per incomplete file (3,000 such files once held 3,000).
 */
@Timeout(value = 120, unit = TimeUnit.SECONDS)
class ResourceQuotaTest {
    private static final int FILES = 400;

    @TempDir
    Path dir;

    @AutoClose
    private TestCluster cluster;

    @Test
    void filesWhoseDataExistsNowhereHoldNoDescriptors() throws Exception {
        cluster = TestCluster.converged(dir.resolve("cluster"), 1);
        Node member = cluster.node(1);
        Node victim = cluster.node(0);
        Transactions txs = new Transactions(member.key(), member.chain().networkId(), Clock.systemUTC());
        int chunk = TransactionRules.MIN_CHUNK_SIZE;
        Transaction last = null;
        // hashes of nothing: no node can ever hold a chunk of these; the publisher holds their manifest
        io.swiftserve.chain.Manifest nothing = io.swiftserve.chain.Manifest.ofFile(4L * chunk, chunk, new byte[4 * 32]);
        member.transfer().manifests().put(nothing);
        for (int i = 0; i < FILES; i++) {
            last = txs.fileAdd("nowhere/" + i + ".bin", nothing, 1);
            member.gossip().submit(last).get(10, TimeUnit.SECONDS);
        }
        Transaction lastTx = last;
        await("all " + FILES + " versions on the victim's chain")
                .atMost(Duration.ofSeconds(60))
                .until(() -> victim.chain().state().includes(lastTx.id()));
        System.out.printf("[ResourceQuotaTest] a member published %d files whose data exists nowhere%n", FILES);
        Path partial = victim.config().dataDir().resolve("partial");
        await("the victim queued every download")
                .atMost(Duration.ofSeconds(30))
                .until(() -> partialFiles(partial) >= FILES);
        // descriptors are released after a few idle seconds; wait for the count to settle, bounded
        await("descriptors of idle partial files are closed")
                .atMost(Duration.ofSeconds(20))
                .pollInterval(Duration.ofMillis(250))
                .until(() -> openDescriptorsUnder(partial) <= 16);
        long open = openDescriptorsUnder(partial);
        System.out.printf(
                "[ResourceQuotaTest] victim: %d partial files, %d open descriptors among them%n",
                partialFiles(partial), open);
        assertThat(open).isLessThanOrEqualTo(16);
    }

    private static long partialFiles(Path partial) throws IOException {
        try (Stream<Path> s = Files.list(partial)) {
            return s.filter(p -> p.toString().endsWith(".part")).count();
        }
    }

    /** Descriptors of this JVM that point into {@code dir} (both nodes run in it; only the victim's dir is counted). */
    static long openDescriptorsUnder(Path dir) throws IOException {
        String prefix = dir.toRealPath().toString();
        try (Stream<Path> fds = Files.list(Path.of("/proc/self/fd"))) {
            return fds.filter(fd -> {
                        try {
                            return Files.readSymbolicLink(fd).toString().startsWith(prefix);
                        } catch (IOException | UnsupportedOperationException e) {
                            return false;
                        }
                    })
                    .count();
        }
    }
}

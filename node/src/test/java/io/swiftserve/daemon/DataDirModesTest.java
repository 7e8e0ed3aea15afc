package io.swiftserve.daemon;

import static org.assertj.core.api.Assertions.assertThat;

import io.swiftserve.cluster.InProcessCli;
import io.swiftserve.cluster.TestCluster;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AutoClose;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * The data dir and what the daemon keeps in it ({@code db/}, {@code partial/}) are created 0700
 * whatever the umask; the share dir ({@code files/}) keeps the umask: it is the users' copy.
 */
@Timeout(value = 90, unit = TimeUnit.SECONDS)
class DataDirModesTest {
    @TempDir
    Path dir;

    @AutoClose
    private TestCluster cluster;

    @BeforeEach
    void showTheUmask() throws IOException {
        // with a umask of 077 these tests would pass without the fix: say what this run had
        Path probe = Files.createDirectory(dir.resolve("umask-probe"));
        System.out.println("[DataDirModesTest] a directory made with this process's umask: " + mode(probe));
    }

    @Test
    void initCreatesAPrivateDataDir() throws IOException {
        Path data = dir.resolve("new/data");
        InProcessCli.Result r = InProcessCli.run("init", "--data", data.toString(), "--network", "modes");
        assertThat(r.exitCode()).as("%s", r).isZero();
        System.out.printf("[DataDirModesTest] init: %s %s, db %s%n", data, mode(data), mode(data.resolve("db")));
        assertThat(mode(data)).isEqualTo("rwx------");
        assertThat(mode(data.resolve("db"))).isEqualTo("rwx------");
        assertThat(mode(data.resolve("node.key"))).isEqualTo("rw-------");
    }

    @Test
    void aJoinersFirstStartCreatesPrivateDirs() throws IOException {
        cluster = TestCluster.converged(dir.resolve("cluster"), 1);
        Path joiner = cluster.dataDir(1);
        System.out.printf(
                "[DataDirModesTest] joiner: %s %s, db %s, partial %s, files %s%n",
                joiner,
                mode(joiner),
                mode(joiner.resolve("db")),
                mode(joiner.resolve("partial")),
                mode(joiner.resolve("files")));
        assertThat(mode(joiner)).isEqualTo("rwx------");
        assertThat(mode(joiner.resolve("db"))).isEqualTo("rwx------");
        assertThat(mode(joiner.resolve("partial"))).isEqualTo("rwx------");
        // the founder too: init made its data dir, the first run its partial dir
        assertThat(mode(cluster.dataDir(0).resolve("partial"))).isEqualTo("rwx------");
    }

    private static String mode(Path p) throws IOException {
        return PosixFilePermissions.toString(Files.getPosixFilePermissions(p));
    }
}

package io.swiftserve.daemon;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.swiftserve.cluster.TestCluster;
import java.io.IOException;
import java.nio.file.Path;
import java.time.Clock;
import org.junit.jupiter.api.AutoClose;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/** A second `run` on a data dir in use says so, instead of printing RocksDB's lock error. */
@Timeout(60)
class SecondDaemonTest {
    @TempDir
    Path dir;

    @AutoClose
    private TestCluster cluster;

    @Test
    void aSecondDaemonOnTheSameDataDirIsToldWhoHoldsIt() {
        cluster = new TestCluster(dir.resolve("cluster"));
        Node first = cluster.found();
        Node second = new Node(first.config(), Clock.systemUTC());
        assertThatThrownBy(second::start)
                .isInstanceOf(IOException.class)
                .hasMessage("a daemon is already running for " + first.config().dataDir() + " (pid "
                        + ProcessHandle.current().pid() + ")");
        second.close();
        assertThat(first.chain().height()).isZero();

        cluster.stop(0);
        Node again = cluster.restart(0);
        assertThat(again.port()).isPositive();
    }
}

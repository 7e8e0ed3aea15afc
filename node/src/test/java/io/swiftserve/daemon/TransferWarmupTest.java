package io.swiftserve.daemon;

import static org.assertj.core.api.Assertions.assertThat;

import io.swiftserve.cluster.LogCapture;
import io.swiftserve.net.Transport;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class TransferWarmupTest {
    @TempDir
    Path dir;

    @Test
    void theThrowawayNodesMoveTheirFileSilentlyAndLeaveNothingBehind() throws Exception {
        Files.createDirectories(dir.resolve("warmup/seed/stale")); // a crashed warm-up's leftovers
        try (LogCapture all = LogCapture.of("io.swiftserve")) {
            Thread t = TransferWarmup.start(dir, Transport.TLS, 2);
            t.join(TransferWarmup.LIMIT.toMillis());

            assertThat(t.isAlive()).as("the warm-up ended within its limit").isFalse();
            assertThat(all.lines())
                    .as("one line, the warm-up's own; none of its nodes' (started, joined, complete)")
                    .singleElement()
                    .asString()
                    .startsWith("warmed up the transfer path: 2 MiB among 3 throwaway nodes");
        }
        assertThat(dir.resolve(TransferWarmup.DIR)).doesNotExist();
    }

    @Test
    void aWarmupThatCannotRunSaysSoInOneLineAndCleansUp() throws Exception {
        Path blocked = Files.writeString(dir.resolve("not-a-dir"), "x"); // the warm-up's parent is a file
        try (LogCapture all = LogCapture.of("io.swiftserve")) {
            Thread t = TransferWarmup.start(blocked, Transport.CLEARTEXT, 1);
            t.join(TransferWarmup.LIMIT.toMillis());

            assertThat(all.lines()).singleElement().asString().startsWith("transfer warm-up skipped: ");
        }
        assertThat(Files.readString(blocked)).isEqualTo("x");
    }
}

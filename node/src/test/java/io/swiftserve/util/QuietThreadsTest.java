package io.swiftserve.util;

import static org.assertj.core.api.Assertions.assertThat;

import io.swiftserve.cluster.LogCapture;
import org.junit.jupiter.api.Test;
import org.slf4j.LoggerFactory;

class QuietThreadsTest {
    private static final org.slf4j.Logger log = LoggerFactory.getLogger(QuietThreadsTest.class);

    @Test
    void theGroupIsQuietOnlyWhileAWarmupRunsAndItsVoiceStillSpeaks() throws Exception {
        try (LogCapture lines = LogCapture.of(QuietThreadsTest.class)) {
            QuietThreads.enter(QuietThreadsTest.class.getName() + ".voice");
            try {
                inGroup(() -> log.info("a throwaway node's line"));
                inGroup(() -> LoggerFactory.getLogger(QuietThreadsTest.class.getName() + ".voice")
                        .info("the voice"));
                log.info("the daemon's own line");
                Thread child = new Thread(() -> log.info("a line from a thread outside the group"));
                inGroup(() -> {
                    Thread c = new Thread(() -> log.info("a grandchild's line"));
                    c.start();
                    join(c);
                });
                child.start();
                child.join();
            } finally {
                QuietThreads.leave();
            }
            inGroup(() -> log.info("the group after the warm-up"));

            assertThat(lines.lines())
                    .containsExactly(
                            "the voice",
                            "the daemon's own line",
                            "a line from a thread outside the group",
                            "the group after the warm-up");
        }
    }

    private static void inGroup(Runnable r) throws InterruptedException {
        Thread t = new Thread(QuietThreads.GROUP, r, "quiet-test");
        t.start();
        t.join();
    }

    private static void join(Thread t) {
        try {
            t.join();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}

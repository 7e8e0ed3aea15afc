package io.swiftserve.util;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatCode;

import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import org.junit.jupiter.api.Test;

class ThreadsTest {
    @Test
    void executorsRunTheirWorkOnNamedDaemonThreads() throws Exception {
        ExecutorService pool = Threads.pool(2, "test-pool");
        ScheduledExecutorService single = Threads.single("test-single");
        try {
            assertThat(pool.submit(() -> Thread.currentThread().getName()).get(5, TimeUnit.SECONDS)).isEqualTo("test-pool");
            assertThat(single.schedule(() -> Thread.currentThread().isDaemon(), 10, TimeUnit.MILLISECONDS).get(5, TimeUnit.SECONDS)).isTrue();
        } finally {
            pool.shutdownNow();
            single.shutdownNow();
        }
    }

    @Test
    void workHandedToAStoppedExecutorIsDroppedNotThrownAtTheCaller() throws Exception {
        ScheduledExecutorService chain = Threads.single("test-chain");
        ExecutorService timer = Threads.pool(1, "test-timer");
        timer.shutdown();
        AtomicBoolean ran = new AtomicBoolean();
        CountDownLatch handedOver = new CountDownLatch(1);
        // as on close: the chain thread still runs and hands work to a timer already stopped
        chain.execute(() -> {
            timer.execute(() -> ran.set(true));
            handedOver.countDown();
        });
        assertThat(handedOver.await(5, TimeUnit.SECONDS)).as("the handing thread went on").isTrue();
        chain.shutdown();
        assertThatCode(() -> chain.execute(() -> ran.set(true))).doesNotThrowAnyException();
        assertThat(chain.awaitTermination(5, TimeUnit.SECONDS)).isTrue();
        assertThat(ran).isFalse();
    }
}

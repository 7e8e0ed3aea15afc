package io.swiftserve.util;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatCode;

import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.read.ListAppender;
import java.time.Duration;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.Test;
import org.slf4j.LoggerFactory;

class ThreadsTest {
    @Test
    void executorsRunTheirWorkOnNamedDaemonThreads() throws Exception {
        ExecutorService pool = Threads.pool(2, "test-pool");
        ScheduledExecutorService single = Threads.single("test-single");
        try {
            assertThat(pool.submit(() -> Thread.currentThread().getName()).get(5, TimeUnit.SECONDS))
                    .isEqualTo("test-pool");
            assertThat(single.schedule(() -> Thread.currentThread().isDaemon(), 10, TimeUnit.MILLISECONDS)
                            .get(5, TimeUnit.SECONDS))
                    .isTrue();
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
        assertThat(handedOver.await(5, TimeUnit.SECONDS))
                .as("the handing thread went on")
                .isTrue();
        chain.shutdown();
        assertThatCode(() -> chain.execute(() -> ran.set(true))).doesNotThrowAnyException();
        assertThat(chain.awaitTermination(5, TimeUnit.SECONDS)).isTrue();
        assertThat(ran).isFalse();
    }

    @Test
    void aStoppingExecutorRunsWhatIsDueAndDropsWhatWasScheduledForLater() throws Exception {
        ScheduledExecutorService single = Threads.single("test-stop");
        AtomicBoolean later = new AtomicBoolean();
        CountDownLatch busy = new CountDownLatch(1);
        CountDownLatch release = new CountDownLatch(1);
        AtomicBoolean due = new AtomicBoolean();
        // a retry or a batch flush seconds away must not hold a node's close for those seconds
        single.schedule(() -> later.set(true), 1, TimeUnit.MINUTES);
        single.execute(() -> {
            busy.countDown();
            try {
                release.await(5, TimeUnit.SECONDS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        });
        assertThat(busy.await(5, TimeUnit.SECONDS)).isTrue();
        single.execute(() -> due.set(true)); // queued behind the running task: a close's last saves
        single.shutdown();
        release.countDown();
        assertThat(single.awaitTermination(5, TimeUnit.SECONDS))
                .as("stopped without waiting a minute")
                .isTrue();
        assertThat(due).as("work handed over before the stop").isTrue();
        assertThat(later).as("work scheduled for later").isFalse();
    }

    @Test
    void aTaskThatThrowsIsLoggedAlsoWhenItsFutureIsNeverRead() {
        Logger logger = (Logger) LoggerFactory.getLogger(Threads.class);
        ListAppender<ILoggingEvent> events = new ListAppender<>();
        events.start();
        logger.addAppender(events);
        ScheduledExecutorService single = Threads.single("test-throws");
        ExecutorService pool = Threads.pool(1, "test-throws-pool");
        try {
            single.execute(() -> {
                throw new IllegalStateException("from execute");
            });
            single.scheduleWithFixedDelay(
                    () -> {
                        throw new IllegalStateException("from a periodic task");
                    },
                    0,
                    1,
                    TimeUnit.MILLISECONDS);
            pool.submit(() -> {
                throw new IllegalStateException("from submit");
            });
            Awaitility.await()
                    .atMost(Duration.ofSeconds(5))
                    .untilAsserted(() -> assertThat(events.list)
                            .extracting(e -> e.getThrowableProxy() == null
                                    ? ""
                                    : e.getThrowableProxy().getMessage())
                            .contains("from execute", "from a periodic task", "from submit"));
            assertThat(events.list)
                    .allSatisfy(e -> assertThat(e.getFormattedMessage()).startsWith("task on test-throws"));
        } finally {
            single.shutdownNow();
            pool.shutdownNow();
            logger.detachAppender(events);
        }
    }
}

package io.swiftserve.daemon;

import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** The steps of {@link Node#close()}: each part stopped on its own, a failure logged, never skipping the rest. */
final class ShutdownSteps {
    private static final Logger log = LoggerFactory.getLogger(Node.class);

    private ShutdownSteps() {}

    /** Runs one shutdown step if its part was created; a failing step does not skip the others. */
    static void step(String what, Runnable action, Object part) {
        if (part == null) {
            return;
        }
        try {
            action.run();
        } catch (RuntimeException e) {
            log.warn("stopping the {} failed: {}", what, e.toString());
        }
    }

    static void awaitQuietly(java.util.concurrent.ExecutorService executor) {
        try {
            executor.awaitTermination(5, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}

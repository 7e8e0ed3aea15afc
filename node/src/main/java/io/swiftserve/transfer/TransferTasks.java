package io.swiftserve.transfer;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** Runs the transfer thread's tasks so that one that fails is logged and does not stop its schedule. */
final class TransferTasks {
    /** The line keeps the logger it had in TransferService. */
    private static final Logger log = LoggerFactory.getLogger(TransferService.class);

    private TransferTasks() {}

    /** Logs and swallows a task's failure: a scheduled task that threw would never run again. */
    static void guarded(ThrowingRunnable r) {
        try {
            r.run();
        } catch (Exception e) {
            log.error("transfer task failed", e);
        }
    }

    interface ThrowingRunnable {
        void run() throws Exception;
    }
}

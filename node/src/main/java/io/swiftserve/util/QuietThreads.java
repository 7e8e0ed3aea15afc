package io.swiftserve.util;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.turbo.TurboFilter;
import ch.qos.logback.core.spi.FilterReply;
import java.util.concurrent.atomic.AtomicInteger;
import org.slf4j.Marker;

/**
 * Threads whose log lines the operator must not see: the throwaway nodes of the start-up warm-up
 * (io.swiftserve.daemon.TransferWarmup) run the same classes as the daemon's own node, and their
 * "node started", "joined", "file complete" lines would read as the real node's. Every thread
 * created by a thread of {@link #GROUP} joins it (the JDK's and Netty's thread factories take the
 * creating thread's group), so one check covers the warm-up nodes' executors and event loops.
 *
 * <p>Quiet only between {@link #enter} and {@link #leave}: a shared pool the warm-up happened to
 * start first (the JDK's common pool, a metrics timer) also lands in the group, and must speak
 * again once the warm-up is over. Registered as a turbo filter in logback.xml; it runs before every
 * log call's level check, and outside a warm-up it costs one read of a counter.
 */
public final class QuietThreads extends TurboFilter {
    public static final ThreadGroup GROUP = new ThreadGroup("swiftserve-quiet");

    private static final AtomicInteger active = new AtomicInteger();
    /** The one logger that speaks for the group (its result line); null: none. */
    private static volatile String voice;

    /** From now until the matching {@link #leave}, the group's threads log nothing but {@code voiceLogger}'s lines. */
    public static void enter(String voiceLogger) {
        voice = voiceLogger;
        active.incrementAndGet();
    }

    public static void leave() {
        active.decrementAndGet();
    }

    public static boolean isQuiet(Thread t) {
        if (active.get() == 0) {
            return false;
        }
        for (ThreadGroup g = t.getThreadGroup(); g != null; g = g.getParent()) {
            if (g == GROUP) {
                return true;
            }
        }
        return false;
    }

    @Override
    public FilterReply decide(Marker marker, Logger logger, Level level, String format, Object[] params, Throwable t) {
        if (!isQuiet(Thread.currentThread()) || logger.getName().equals(voice)) {
            return FilterReply.NEUTRAL;
        }
        return FilterReply.DENY;
    }
}

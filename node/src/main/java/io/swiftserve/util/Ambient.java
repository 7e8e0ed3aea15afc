package io.swiftserve.util;

import java.util.Random;
import java.util.concurrent.ThreadLocalRandom;
import java.util.function.LongSupplier;

/**
 * Time and chance as the current thread sees them: the system's, except on a simulation's thread,
 * which binds a virtual clock and a seeded generator so that the same seed replays the same run.
 * The protocol code reads time and draws random choices only through here (and through the
 * {@link java.time.Clock} it is given), never from {@link System} directly.
 */
public final class Ambient {
    private record Binding(LongSupplier nanos, Random random) {}

    private static final ThreadLocal<Binding> BOUND = new ThreadLocal<>();

    private Ambient() {}

    /** A monotonic reading in nanoseconds, as {@link System#nanoTime()}. */
    public static long nanoTime() {
        Binding b = BOUND.get();
        return b == null ? System.nanoTime() : b.nanos.getAsLong();
    }

    /** Wall-clock milliseconds; virtual time since the simulation's start when bound. */
    public static long currentTimeMillis() {
        Binding b = BOUND.get();
        return b == null ? System.currentTimeMillis() : b.nanos.getAsLong() / 1_000_000L;
    }

    /** The thread's random generator: {@link ThreadLocalRandom}, or the simulation's seeded one. */
    public static Random random() {
        Binding b = BOUND.get();
        return b == null ? ThreadLocalRandom.current() : b.random;
    }

    /** {@code fallback} (e.g. a {@link java.security.SecureRandom}), or the simulation's generator when bound. */
    public static Random random(Random fallback) {
        Binding b = BOUND.get();
        return b == null ? fallback : b.random;
    }

    /** Binds virtual time and a seeded generator to the calling thread, until {@link #unbind()}. */
    public static void bind(LongSupplier nanos, Random random) {
        BOUND.set(new Binding(nanos, random));
    }

    public static void unbind() {
        BOUND.remove();
    }
}

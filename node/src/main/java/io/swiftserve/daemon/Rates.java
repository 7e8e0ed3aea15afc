package io.swiftserve.daemon;

import java.math.BigDecimal;
import java.util.Locale;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The one rate grammar of the CLI, the admin API and the schedule: {@code off}, or a number and a
 * unit per second, bytes in binary or decimal multiples ({@code 512KiB/s}, {@code 20MiB/s},
 * {@code 1.5GB/s}) or bits in decimal ones, as links are sold ({@code 100Mbit/s}). The "/s" may be
 * left out and the unit's case does not matter. A rate is kept as whole bytes per second, 0 for off.
 */
public final class Rates {
    /**
     * The smallest limit: below it one 16 MiB chunk would take minutes, longer than a peer waits for
     * a requested chunk before it asks elsewhere.
     */
    public static final long MIN = 64 << 10;

    private static final Pattern FORM = Pattern.compile("(\\d{1,12}(?:\\.\\d{1,6})?)\\s*([a-z]+)(?:/s)?");
    private static final Map<String, Long> UNITS = Map.ofEntries(
            Map.entry("b", 1L),
            Map.entry("kib", 1L << 10),
            Map.entry("mib", 1L << 20),
            Map.entry("gib", 1L << 30),
            Map.entry("kb", 1_000L),
            Map.entry("mb", 1_000_000L),
            Map.entry("gb", 1_000_000_000L),
            Map.entry("kbit", 125L),
            Map.entry("mbit", 125_000L),
            Map.entry("gbit", 125_000_000L));
    private static final String[] BINARY = {"B/s", "KiB/s", "MiB/s", "GiB/s", "TiB/s"};

    private Rates() {}

    /** Bytes per second (0: off); the exception's message is one line for the user. */
    public static long parse(String text) {
        String t = text == null ? "" : text.trim().toLowerCase(Locale.ROOT);
        if (t.equals("off")) {
            return 0;
        }
        Matcher m = FORM.matcher(t);
        Long unit = m.matches() ? UNITS.get(m.group(2)) : null;
        if (unit == null) {
            throw new IllegalArgumentException("'" + text + "' is not a rate like 20MiB/s, 500KiB/s, 100Mbit/s or off");
        }
        BigDecimal bytes = new BigDecimal(m.group(1)).multiply(BigDecimal.valueOf(unit));
        if (bytes.compareTo(BigDecimal.valueOf(MIN)) < 0) {
            throw new IllegalArgumentException("'" + text + "' is below the smallest limit, 64KiB/s (or off)");
        }
        if (bytes.compareTo(BigDecimal.valueOf(1L << 50)) > 0) {
            throw new IllegalArgumentException("'" + text + "' is too large a rate (say off for no limit)");
        }
        return bytes.longValue();
    }

    /** For people: "off" or three significant digits in binary units, "20.0 MiB/s". */
    public static String human(long bytesPerSecond) {
        if (bytesPerSecond <= 0) {
            return "off";
        }
        double v = bytesPerSecond;
        int unit = 0;
        while (v >= 1024 && unit < BINARY.length - 1) {
            v /= 1024;
            unit++;
        }
        String digits = v >= 100
                ? String.format(Locale.ROOT, "%.0f", v)
                : v >= 10 ? String.format(Locale.ROOT, "%.1f", v) : String.format(Locale.ROOT, "%.2f", v);
        return digits + " " + BINARY[unit];
    }

    /** What {@link #parse} reads back to the same value: "off" or whole bytes, "4194304B/s". */
    static String exact(long bytesPerSecond) {
        return bytesPerSecond <= 0 ? "off" : bytesPerSecond + "B/s";
    }
}

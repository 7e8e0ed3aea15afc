package io.swiftserve.util;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.pattern.ClassicConverter;
import ch.qos.logback.classic.spi.ILoggingEvent;

/**
 * {@code %journalPriority}: the sd-daemon(3) prefix ({@code <3>} error ... {@code <7>} debug) that
 * journald reads off the start of a line on a service's stdout to set the entry's priority, so
 * {@code journalctl -p warning} and its colours work.
 */
public final class JournalPriorityConverter extends ClassicConverter {
    @Override
    public String convert(ILoggingEvent event) {
        return prefix(event.getLevel());
    }

    static String prefix(Level level) {
        return switch (level.toInt()) {
            case Level.ERROR_INT -> "<3>";
            case Level.WARN_INT -> "<4>";
            case Level.INFO_INT -> "<6>";
            default -> "<7>";
        };
    }
}

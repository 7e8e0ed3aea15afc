package io.swiftserve.util;

import ch.qos.logback.core.spi.ContextAwareBase;
import ch.qos.logback.core.spi.PropertyDefiner;
import java.util.function.UnaryOperator;

/**
 * logback.xml's console pattern, chosen from the environment. systemd sets {@code JOURNAL_STREAM}
 * when a service's stdout is the journal; the journal stamps each entry itself, so there the line
 * drops its own time and starts with the priority prefix instead. A property definer rather than
 * logback's {@code <if>}, which would need janino.
 */
public final class ConsolePattern extends ContextAwareBase implements PropertyDefiner {
    static final String TERMINAL = "%d{HH:mm:ss.SSS} %-5level %-12logger{0} %oneLineMsg%n";
    static final String JOURNAL = "%journalPriority%-5level %-12logger{0} %oneLineMsg%n";

    @Override
    public String getPropertyValue() {
        return pattern(System::getenv);
    }

    static String pattern(UnaryOperator<String> env) {
        String stream = env.apply("JOURNAL_STREAM");
        return stream == null || stream.isBlank() ? TERMINAL : JOURNAL;
    }
}

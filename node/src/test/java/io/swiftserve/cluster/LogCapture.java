package io.swiftserve.cluster;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.AppenderBase;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import org.slf4j.LoggerFactory;

/**
 * Collects the formatted messages one logger (and its children) writes while a test runs; close()
 * detaches it and restores any level it changed. Tests assert on these lines because a refusal's
 * log line is often the only sign, besides a closed connection, of which check refused.
 */
public final class LogCapture extends AppenderBase<ILoggingEvent> implements AutoCloseable {
    private final Logger logger;
    private final Level oldLevel;
    // a plain list under its own lock: a capture on "io.swiftserve" during 10k abusive frames would copy a
    // copy-on-write list thousands of times
    private final List<String> messages = new ArrayList<>();

    private LogCapture(String loggerName, Level level) {
        this.logger = (Logger) LoggerFactory.getLogger(loggerName);
        this.oldLevel = logger.getLevel();
        if (level != null) {
            logger.setLevel(level);
        }
        setContext(logger.getLoggerContext());
        start();
        logger.addAppender(this);
    }

    public static LogCapture of(Class<?> source) {
        return new LogCapture(source.getName(), null);
    }

    /** Every event of {@code loggerName} and its children, e.g. "io.swiftserve" for the whole node. */
    public static LogCapture of(String loggerName) {
        return new LogCapture(loggerName, null);
    }

    /** Also lowers the logger to DEBUG while attached: some refusals are logged at debug. */
    public static LogCapture debug(Class<?> source) {
        return new LogCapture(source.getName(), Level.DEBUG);
    }

    /** Raises each source's level to ERROR until closed: fuzzing makes thousands of expected warnings. */
    public static AutoCloseable quiet(Class<?>... sources) {
        List<Logger> loggers = Arrays.stream(sources)
                .map(c -> (Logger) LoggerFactory.getLogger(c))
                .toList();
        List<Level> old = loggers.stream().map(Logger::getLevel).toList();
        loggers.forEach(l -> l.setLevel(Level.ERROR));
        return () -> {
            for (int i = 0; i < loggers.size(); i++) {
                loggers.get(i).setLevel(old.get(i));
            }
        };
    }

    @Override
    protected void append(ILoggingEvent event) {
        synchronized (messages) {
            messages.add(event.getFormattedMessage());
        }
    }

    public List<String> lines() {
        synchronized (messages) {
            return List.copyOf(messages);
        }
    }

    public List<String> containing(String text) {
        return lines().stream().filter(m -> m.contains(text)).toList();
    }

    /** True when one line contains every one of {@code parts}. */
    public boolean has(String... parts) {
        return lines().stream().anyMatch(l -> Arrays.stream(parts).allMatch(l::contains));
    }

    @Override
    public void close() {
        logger.detachAppender(this);
        stop();
        logger.setLevel(oldLevel);
    }
}

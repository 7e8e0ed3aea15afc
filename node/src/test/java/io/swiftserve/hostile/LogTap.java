package io.swiftserve.hostile;

import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.read.ListAppender;
import java.util.List;
import org.slf4j.LoggerFactory;

/** A logback ListAppender on one logger for the duration of a test; close() detaches it. */
public final class LogTap implements AutoCloseable {
    private final Logger logger;
    private final ListAppender<ILoggingEvent> appender = new ListAppender<>();

    private LogTap(String loggerName) {
        this.logger = (Logger) LoggerFactory.getLogger(loggerName);
        appender.setContext(logger.getLoggerContext());
        appender.start();
        logger.addAppender(appender);
    }

    public static LogTap on(Class<?> source) {
        return new LogTap(source.getName());
    }

    /** Every event of {@code loggerName} and its children, e.g. "io.swiftserve" for the whole node. */
    public static LogTap on(String loggerName) {
        return new LogTap(loggerName);
    }

    /** Also lowers the logger to DEBUG while attached (some refusals are logged at debug). */
    public static LogTap debug(Class<?> source) {
        LogTap tap = new LogTap(source.getName());
        tap.oldLevel = tap.logger.getLevel();
        tap.logger.setLevel(ch.qos.logback.classic.Level.DEBUG);
        tap.levelChanged = true;
        return tap;
    }

    private ch.qos.logback.classic.Level oldLevel;
    private boolean levelChanged;

    public List<String> lines() {
        synchronized (appender) {
            return appender.list.stream().map(ILoggingEvent::getFormattedMessage).toList();
        }
    }

    public List<String> containing(String text) {
        return lines().stream().filter(m -> m.contains(text)).toList();
    }

    public boolean has(String... parts) {
        return lines().stream().anyMatch(l -> java.util.Arrays.stream(parts).allMatch(l::contains));
    }

    /** Raises {@code source}'s level to ERROR until closed: fuzzing makes thousands of expected warnings. */
    public static AutoCloseable quiet(Class<?>... sources) {
        java.util.List<Logger> loggers = java.util.Arrays.stream(sources).map(c -> (Logger) LoggerFactory.getLogger(c)).toList();
        java.util.List<ch.qos.logback.classic.Level> old = loggers.stream().map(Logger::getLevel).toList();
        loggers.forEach(l -> l.setLevel(ch.qos.logback.classic.Level.ERROR));
        return () -> {
            for (int i = 0; i < loggers.size(); i++) {
                loggers.get(i).setLevel(old.get(i));
            }
        };
    }

    @Override
    public void close() {
        logger.detachAppender(appender);
        appender.stop();
        if (levelChanged) {
            logger.setLevel(oldLevel);
        }
    }
}

package io.swiftserve.util;

import static org.assertj.core.api.Assertions.assertThat;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.LoggerContext;
import ch.qos.logback.classic.encoder.PatternLayoutEncoder;
import ch.qos.logback.classic.joran.JoranConfigurator;
import ch.qos.logback.classic.spi.LoggingEvent;
import ch.qos.logback.core.ConsoleAppender;
import java.net.URL;
import java.nio.charset.StandardCharsets;
import java.util.HashMap;
import java.util.Map;
import org.junit.jupiter.api.Test;

class ConsolePatternTest {
    private static String format(String pattern, Level level, String msg) {
        LoggerContext context = new LoggerContext();
        // what logback.xml's conversionRule elements declare
        Map<String, String> rules = new HashMap<>();
        rules.put("oneLineMsg", OneLineMessageConverter.class.getName());
        rules.put("journalPriority", JournalPriorityConverter.class.getName());
        context.putObject(ch.qos.logback.core.CoreConstants.PATTERN_RULE_REGISTRY, rules);
        PatternLayoutEncoder encoder = new PatternLayoutEncoder();
        encoder.setContext(context);
        encoder.setPattern(pattern);
        encoder.start();
        Logger logger = context.getLogger("io.swiftserve.net.PeerSession");
        LoggingEvent event = new LoggingEvent(Logger.class.getName(), logger, level, msg, null, null);
        return new String(encoder.encode(event), StandardCharsets.UTF_8);
    }

    @Test
    void underSystemdLinesStartWithThePriorityAndCarryNoTime() {
        String pattern = ConsolePattern.pattern(Map.of("JOURNAL_STREAM", "8:41212")::get);
        assertThat(format(pattern, Level.ERROR, "disk full")).isEqualTo("<3>ERROR PeerSession  disk full\n");
        assertThat(format(pattern, Level.WARN, "peer\ndown")).isEqualTo("<4>WARN  PeerSession  peer\\ndown\n");
        assertThat(format(pattern, Level.INFO, "up")).startsWith("<6>INFO ");
        assertThat(format(pattern, Level.DEBUG, "x")).startsWith("<7>DEBUG");
        assertThat(format(pattern, Level.TRACE, "x")).startsWith("<7>TRACE");
    }

    @Test
    void onATerminalLinesStartWithTheTime() {
        String pattern = ConsolePattern.pattern(Map.<String, String>of()::get);
        assertThat(format(pattern, Level.WARN, "peer down"))
                .matches("\\d\\d:\\d\\d:\\d\\d\\.\\d{3} WARN  PeerSession  peer down\n");
        assertThat(ConsolePattern.pattern(Map.of("JOURNAL_STREAM", "")::get)).isEqualTo(pattern);
    }

    @Test
    void logbackXmlTakesItsPatternFromTheEnvironment() throws Exception {
        LoggerContext context = new LoggerContext();
        JoranConfigurator configurator = new JoranConfigurator();
        configurator.setContext(context);
        URL xml = ConsolePattern.class.getResource("/logback.xml");
        configurator.doConfigure(xml);
        ConsoleAppender<?> appender =
                (ConsoleAppender<?>) context.getLogger(Logger.ROOT_LOGGER_NAME).getAppender("STDOUT");
        PatternLayoutEncoder encoder = (PatternLayoutEncoder) appender.getEncoder();
        assertThat(encoder.getPattern()).isEqualTo(ConsolePattern.pattern(System::getenv));
        Logger logger = context.getLogger("io.swiftserve.net.PeerSession");
        LoggingEvent event = new LoggingEvent(Logger.class.getName(), logger, Level.WARN, "peer down", null, null);
        String line = new String(encoder.encode(event), StandardCharsets.UTF_8);
        assertThat(line).endsWith("WARN  PeerSession  peer down\n");
        context.stop();
    }
}

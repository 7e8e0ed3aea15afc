package io.swiftserve.util;

import ch.qos.logback.classic.pattern.MessageConverter;
import ch.qos.logback.classic.spi.ILoggingEvent;

/**
 * {@code %msg} for logback.xml with line breaks and terminal controls escaped: whatever a call site
 * passed, one event is one line in the journal. Call sites still escape peer text themselves
 * ({@link LogText#escape}, which also caps it); this catches the ones that did not.
 */
public final class OneLineMessageConverter extends MessageConverter {
    @Override
    public String convert(ILoggingEvent event) {
        return LogText.controls(event.getFormattedMessage());
    }
}

package io.swiftserve.util;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

@Timeout(value = 10, unit = TimeUnit.SECONDS)
class LogTextTest {
    @Test
    void controlsBecomeVisibleEscapesAndPrintableTextStays() {
        assertThat(LogText.escape("a\nb\r\tc")).isEqualTo("a\\nb\\r\\tc");
        assertThat(LogText.escape("\u001b[31mred")).isEqualTo("\\x1b[31mred");
        assertThat(LogText.escape("x\u0085y\u2028z\u202e\u200b")).isEqualTo("x\\x85y\\u2028z\\u202e\\u200b");
        assertThat(LogText.escape("données/日本語 ok.csv")).isEqualTo("données/日本語 ok.csv");
        assertThat(LogText.escape("😀")).isEqualTo("😀");
        assertThat(LogText.escape("\ud800lone")).isEqualTo("\\ud800lone");
        // a peer cannot forge an escape: its backslash is doubled
        assertThat(LogText.escape("a\\nb")).isEqualTo("a\\\\nb");
        assertThat(LogText.escape((String) null)).isEmpty();
    }

    @Test
    void longTextIsCut() {
        String cut = LogText.escape("x".repeat(10_000));
        assertThat(cut).startsWith("x".repeat(LogText.MAX_CHARS)).endsWith("...(9700 more chars)");
        assertThat(LogText.escape("\n".repeat(1000))).hasSizeLessThan(LogText.MAX_CHARS + 30);
    }

    @Test
    void theBackstopOnlyTouchesControls() {
        assertThat(LogText.controls("already \\n escaped, données")).isEqualTo("already \\n escaped, données");
        assertThat(LogText.controls("two\nlines\u001b")).isEqualTo("two\\nlines\\x1b");
        assertThat(LogText.controls("y".repeat(1000))).hasSize(1000);
    }
}

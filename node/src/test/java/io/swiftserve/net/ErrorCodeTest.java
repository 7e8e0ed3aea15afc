package io.swiftserve.net;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;

/** The error codes in the code and in PROTOCOL.md are one table. */
class ErrorCodeTest {
    private static final Pattern ROW = Pattern.compile("^\\| (\\d+) \\| `([A-Z_]+)` \\| (.+) \\|$");

    @Test
    void protocolMdListsExactlyTheEnumsCodesNamesAndDescriptions() throws Exception {
        Path doc = Path.of("..", "docs", "PROTOCOL.md");
        String text = Files.readString(doc);
        String section = text.substring(text.indexOf("## Error codes"));
        section =
                section.substring(0, section.indexOf("\n## ", 1) < 0 ? section.length() : section.indexOf("\n## ", 1));
        List<String> documented = section.lines()
                .map(ROW::matcher)
                .filter(Matcher::matches)
                .map(m -> m.group(1) + " " + m.group(2) + " " + m.group(3))
                .toList();
        List<String> coded = Arrays.stream(ErrorCode.values())
                .map(c -> c.wire() + " " + c.name() + " " + c.description())
                .toList();
        assertThat(documented).containsExactlyElementsOf(coded);
    }

    @Test
    void wireValuesAreUniqueAndRoundTrip() {
        for (ErrorCode c : ErrorCode.values()) {
            assertThat(ErrorCode.of(c.wire())).contains(c);
        }
        assertThat(Arrays.stream(ErrorCode.values()).map(ErrorCode::wire).distinct())
                .hasSize(ErrorCode.values().length);
        assertThat(ErrorCode.of(0)).isEmpty();
        assertThat(ErrorCode.describe(5)).isEqualTo("5 NOT_A_MEMBER");
        assertThat(ErrorCode.describe(77)).isEqualTo("77");
    }
}

package io.swiftserve.util;

/**
 * Makes text that another machine chose (a peer's error message, a path or URL from the chain, an
 * HTTP Host header) safe to put into a log line: a stranger must not be able to end our line and
 * forge the next one, move the terminal's cursor or flip the text direction. Control, format
 * (bidi overrides, zero-width), line/paragraph separator, unpaired surrogate, private-use and
 * unassigned code points become escapes ({@code \n}, {@code \x1b}, {@code \u2028}), a backslash
 * becomes {@code \\} so an escape cannot be forged either, and the result is cut at
 * {@link #MAX_CHARS}. Printable text in any script (a file named {@code données.csv}) stays as it is,
 * which is why this is not commons-text's escapeJava: that turns every non-ASCII letter into
 * {@code \u00e9}.
 */
public final class LogText {
    /** Longer peer text is cut: one log line must stay one readable line. */
    public static final int MAX_CHARS = 300;

    private LogText() {}

    /** {@code text} escaped for a log line; "" for null. */
    public static String escape(CharSequence text) {
        if (text == null) {
            return "";
        }
        StringBuilder out = new StringBuilder(Math.min(text.length(), MAX_CHARS) + 16);
        int i = 0;
        while (i < text.length() && out.length() < MAX_CHARS) {
            int cp = Character.codePointAt(text, i);
            append(out, cp);
            i += Character.charCount(cp);
        }
        if (i < text.length()) {
            out.append("...(").append(text.length() - i).append(" more chars)");
        }
        return out.toString();
    }

    /**
     * Only what could end a line or drive a terminal, escaped; backslashes kept and no length cap.
     * The log pattern's backstop ({@link OneLineMessageConverter}) for a call site that forgot
     * {@link #escape}: text already escaped passes unchanged.
     */
    public static String controls(String text) {
        if (text == null || text.codePoints().noneMatch(LogText::unsafe)) {
            return text;
        }
        StringBuilder out = new StringBuilder(text.length() + 16);
        text.codePoints().forEach(cp -> {
            if (unsafe(cp)) {
                append(out, cp);
            } else {
                out.appendCodePoint(cp);
            }
        });
        return out.toString();
    }

    /** {@code value}'s string form, escaped: for peer-controlled objects (exceptions, addresses). */
    public static String escape(Object value) {
        return value == null ? "" : escape(value.toString());
    }

    private static void append(StringBuilder out, int cp) {
        switch (cp) {
            case '\n' -> out.append("\\n");
            case '\r' -> out.append("\\r");
            case '\t' -> out.append("\\t");
            case '\\' -> out.append("\\\\");
            default -> {
                if (!unsafe(cp)) {
                    out.appendCodePoint(cp);
                } else if (cp < 0x100) {
                    out.append(String.format("\\x%02x", cp));
                } else if (cp < 0x10000) {
                    out.append(String.format("\\u%04x", cp));
                } else {
                    out.append(String.format("\\U%08x", cp));
                }
            }
        }
    }

    private static boolean unsafe(int cp) {
        return switch (Character.getType(cp)) {
            case Character.CONTROL,
                    Character.FORMAT,
                    Character.LINE_SEPARATOR,
                    Character.PARAGRAPH_SEPARATOR,
                    Character.SURROGATE,
                    Character.PRIVATE_USE,
                    Character.UNASSIGNED -> true;
            default -> false;
        };
    }
}

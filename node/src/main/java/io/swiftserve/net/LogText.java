package io.swiftserve.net;

/** Peer-supplied text made safe for one log line: control characters escaped, length capped. */
final class LogText {
    private static final int MAX = 200;

    private LogText() {
    }

    static String escape(String text) {
        StringBuilder out = new StringBuilder(Math.min(text.length(), MAX) + 16);
        for (int i = 0; i < text.length() && i < MAX; i++) {
            char c = text.charAt(i);
            if (Character.isISOControl(c) || c == '\u2028' || c == '\u2029') {
                out.append(String.format("\\u%04x", (int) c));
            } else {
                out.append(c);
            }
        }
        return text.length() > MAX ? out.append("...").toString() : out.toString();
    }
}

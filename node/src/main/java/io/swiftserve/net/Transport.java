package io.swiftserve.net;

import java.util.Locale;

/**
 * How peer connections are carried. {@link #TLS} is the default; {@link #CLEARTEXT} is an explicit
 * choice for an isolated, trusted LAN (no encryption, no integrity, zero-copy sendfile kept). A node
 * of one kind refuses a node of the other with a one-line reason on both sides; it never falls back.
 */
public enum Transport {
    /** TLS 1.3, both sides present a certificate, Auth bound to both certificates. */
    TLS,
    /** Length-prefixed protobuf straight on TCP: readable and alterable by anyone on the path. */
    CLEARTEXT;

    /** The environment variable {@code run} reads when no {@code --transport} is given. */
    public static final String ENV = "SWIFTSERVE_TRANSPORT";

    /** "tls" or "cleartext" (any case); anything else is an {@link IllegalArgumentException} naming both. */
    public static Transport parse(String text) {
        String t = text == null ? "" : text.trim().toLowerCase(Locale.ROOT);
        return switch (t) {
            case "tls" -> TLS;
            case "cleartext" -> CLEARTEXT;
            default -> throw new IllegalArgumentException("transport '" + text + "' is neither 'tls' nor 'cleartext'");
        };
    }

    /** The word used on the command line, in logs and in {@code status --json}. */
    public String word() {
        return name().toLowerCase(Locale.ROOT);
    }
}

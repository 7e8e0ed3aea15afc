package io.swiftserve.net;

import java.util.Optional;

/**
 * The codes of {@code ErrorReply}: why a connection or request was refused. The wire carries
 * {@link #wire()}; PROTOCOL.md ("Error codes") lists the same table, and a test holds them equal.
 * A code this version does not know is shown by its number.
 */
public enum ErrorCode {
    BAD_MAGIC(1, "the first frame is not a swiftserve Hello"),
    BAD_VERSION(2, "unsupported protocol version"),
    WRONG_NETWORK(3, "the peer belongs to another network (network id)"),
    AUTH_FAILED(4, "the key proof (Auth signature) or the TLS certificate check failed"),
    NOT_A_MEMBER(5, "neither a member nor a joiner with a valid invite"),
    NOT_ALLOWED(
            6, "the message is not allowed now (before the handshake, for a joiner, or the session is being closed)"),
    MALFORMED(7, "the handshake messages are malformed or out of order"),
    BUSY(8, "the node is at a limit (reserved: this version closes such connections without a reply)"),
    TRANSPORT_MISMATCH(9, "one side requires TLS and the other speaks cleartext, or the other way round");

    private final int wire;
    private final String description;

    ErrorCode(int wire, String description) {
        this.wire = wire;
        this.description = description;
    }

    /** The value of {@code ErrorReply.code}. */
    public int wire() {
        return wire;
    }

    public String description() {
        return description;
    }

    public static Optional<ErrorCode> of(int wire) {
        for (ErrorCode c : values()) {
            if (c.wire == wire) {
                return Optional.of(c);
            }
        }
        return Optional.empty();
    }

    /** "5 NOT_A_MEMBER", or just the number for a code this version does not know, for log lines. */
    public static String describe(int wire) {
        return of(wire).map(c -> wire + " " + c.name()).orElse(Integer.toString(wire));
    }
}

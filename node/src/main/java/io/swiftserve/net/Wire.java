package io.swiftserve.net;

/** Constants of the peer protocol; PROTOCOL.md documents each. */
public final class Wire {
    /** "SWSV": the first field of every Hello, so a wrong client fails on the first frame. */
    public static final int MAGIC = 0x53575356;
    public static final int PROTOCOL_VERSION = 1;
    /** Largest control frame (everything but chunk data). */
    public static final int MAX_CONTROL_FRAME = 4 << 20;
    /** Largest frame at all: a 16 MiB chunk plus its header. */
    public static final int MAX_FRAME = (16 << 20) + 4096;
    public static final int HANDSHAKE_TIMEOUT_MS = 10_000;
    public static final String AGENT = "swiftserve/0.1.0";

    private Wire() {
    }

    /** Error codes of {@code ErrorReply}. */
    public static final class Errors {
        public static final int BAD_MAGIC = 1;
        public static final int BAD_VERSION = 2;
        public static final int WRONG_NETWORK = 3;
        public static final int AUTH_FAILED = 4;
        public static final int NOT_A_MEMBER = 5;
        public static final int NOT_ALLOWED = 6;
        public static final int MALFORMED = 7;
        public static final int BUSY = 8;
        /** One side requires TLS and the other speaks cleartext, or the other way round. */
        public static final int TRANSPORT_MISMATCH = 9;

        private Errors() {
        }
    }
}

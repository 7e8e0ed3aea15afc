package io.swiftserve.net;

/** Constants of the peer protocol; PROTOCOL.md documents each. */
public final class Wire {
    /** "SWSV": the first field of every Hello, so a wrong client fails on the first frame. */
    public static final int MAGIC = 0x53575356;

    /**
     * 2: chunks may be 128 KiB (1 accepted 256 KiB and up only). A node of protocol 1 would refuse
     * the first block with a 128 KiB FileAdd and fork; refusing its Hello says why at the start.
     */
    public static final int PROTOCOL_VERSION = 2;
    /** Largest control frame (everything but chunk data). */
    public static final int MAX_CONTROL_FRAME = 4 << 20;
    /** Largest frame at all: a 16 MiB chunk plus its header. */
    public static final int MAX_FRAME = (16 << 20) + 4096;

    public static final int HANDSHAKE_TIMEOUT_MS = 10_000;
    public static final String AGENT = "swiftserve/0.1.0";

    private Wire() {}
}

package io.swiftserve.tools;

import com.google.protobuf.InvalidProtocolBufferException;
import io.swiftserve.net.Wire;
import io.swiftserve.proto.Envelope;
import java.io.IOException;
import java.io.InputStream;

/**
 * Reads length-prefixed frames from a stream and checks them as a node's decoder does: at most
 * {@link Wire#MAX_FRAME} bytes, a parseable Envelope carrying a known message, and anything but
 * chunk data within {@link Wire#MAX_CONTROL_FRAME}. A read that times out (a socket with
 * {@code SO_TIMEOUT}) throws without losing the bytes read so far; calling {@link #next()} again
 * resumes the frame.
 */
public final class FrameReader {
    private final InputStream in;
    private final byte[] prefix = new byte[4];
    private int prefixRead;
    private byte[] body;
    private int bodyRead;
    private int frames;

    public FrameReader(InputStream in) {
        this.in = in;
    }

    /** A frame that is not a valid Envelope frame; the message starts with "frame N: ". */
    public static final class BadFrameException extends Exception {
        public BadFrameException(int frame, String message) {
            super("frame " + frame + ": " + message, null, false, false);
        }
    }

    /** The next Envelope, or null when the input ended cleanly between two frames. */
    public Envelope next() throws IOException, BadFrameException {
        int number = frames + 1;
        while (prefixRead < 4) {
            int n = in.read(prefix, prefixRead, 4 - prefixRead);
            if (n < 0) {
                if (prefixRead == 0) {
                    return null;
                }
                throw new BadFrameException(
                        number,
                        "truncated: the input ends inside the 4-byte length prefix (" + prefixRead + " of 4 bytes)");
            }
            prefixRead += n;
        }
        if (body == null) {
            long length = ((prefix[0] & 0xffL) << 24)
                    | ((prefix[1] & 0xff) << 16)
                    | ((prefix[2] & 0xff) << 8)
                    | (prefix[3] & 0xff);
            if (length > Wire.MAX_FRAME) {
                throw new BadFrameException(
                        number,
                        "too long: the length prefix says " + length + " bytes, the limit is " + Wire.MAX_FRAME
                                + " (16 MiB + 4 KiB)");
            }
            body = new byte[(int) length];
            bodyRead = 0;
        }
        while (bodyRead < body.length) {
            int n = in.read(body, bodyRead, body.length - bodyRead);
            if (n < 0) {
                throw new BadFrameException(
                        number,
                        "truncated: the length prefix says " + body.length + " bytes, the input ends after "
                                + bodyRead);
            }
            bodyRead += n;
        }
        byte[] frame = body;
        body = null;
        prefixRead = 0;
        frames = number;
        return check(number, frame);
    }

    /** Frames read completely so far. */
    public int frames() {
        return frames;
    }

    /** True when part of a frame has been read: the input stopped in the middle of one. */
    public boolean insideFrame() {
        return prefixRead > 0;
    }

    private static Envelope check(int number, byte[] frame) throws BadFrameException {
        Envelope envelope;
        try {
            envelope = Envelope.parseFrom(frame);
        } catch (InvalidProtocolBufferException e) {
            throw new BadFrameException(
                    number,
                    "the " + frame.length + " bytes are not an Envelope (" + firstSentence(e.getMessage()) + ")");
        }
        if (envelope.getBodyCase() == Envelope.BodyCase.BODY_NOT_SET) {
            String unknown = envelope.getUnknownFields().asMap().keySet().toString();
            throw new BadFrameException(
                    number,
                    "the " + frame.length + " bytes carry no known message"
                            + (envelope.getUnknownFields().asMap().isEmpty()
                                    ? ""
                                    : " (unknown fields " + unknown + ")"));
        }
        if (frame.length > Wire.MAX_CONTROL_FRAME && envelope.getBodyCase() != Envelope.BodyCase.CHUNK_DATA) {
            throw new BadFrameException(
                    number,
                    envelope.getBodyCase().name().toLowerCase(java.util.Locale.ROOT) + " frame of " + frame.length
                            + " bytes exceeds the control-frame limit of " + Wire.MAX_CONTROL_FRAME + " (4 MiB)");
        }
        return envelope;
    }

    /** Protobuf's messages go on with advice after the first sentence; one line needs only the first. */
    private static String firstSentence(String message) {
        String m = message == null ? "" : message.replaceAll("\\s+", " ").trim();
        int end = m.indexOf(". ");
        return (end > 0 ? m.substring(0, end) : m).replaceAll("\\.$", "");
    }
}

package io.swiftserve.tools;

import com.google.protobuf.ByteString;
import com.google.protobuf.Descriptors;
import com.google.protobuf.Message;
import com.google.protobuf.TextFormat;
import io.swiftserve.net.Wire;
import io.swiftserve.proto.ChunkData;
import io.swiftserve.proto.Envelope;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;

/**
 * The proto tool's codec: protobuf text format of an {@link Envelope} to a wire frame (4-byte
 * big-endian length + Envelope bytes) and back to one line of text. Bytes fields print as the text
 * format's escaped strings, so a printed message can be pasted back into {@code proto encode}; only
 * chunk payloads are abbreviated to {@code <N bytes>}.
 */
public final class Frames {
    private static final Descriptors.FieldDescriptor CHUNK_PAYLOAD =
            ChunkData.getDescriptor().findFieldByNumber(ChunkData.DATA_FIELD_NUMBER);
    private static final TextFormat.Printer ONE_LINE = TextFormat.printer().emittingSingleLine(true);
    /** Strict: "ping {} pong {}" (two members of the oneof) or a field given twice is an error, not "last wins". */
    private static final TextFormat.Parser PARSER = TextFormat.Parser.newBuilder()
            .setSingularOverwritePolicy(TextFormat.Parser.SingularOverwritePolicy.FORBID_SINGULAR_OVERWRITES)
            .build();

    private Frames() {}

    /** Text that is not an Envelope in protobuf text format; the message names line and column. */
    public static final class TextException extends Exception {
        public TextException(String message) {
            super(message, null, false, false);
        }
    }

    /** Parses one Envelope from protobuf text format, e.g. {@code ping { nonce: 7 }}. */
    public static Envelope parse(String text) throws TextException {
        Envelope.Builder b = Envelope.newBuilder();
        try {
            PARSER.merge(text, b);
        } catch (TextFormat.ParseException e) {
            throw new TextException(
                    "line " + e.getLine() + ", column " + e.getColumn() + ": " + reason(e.getMessage()));
        }
        Envelope envelope = b.build();
        if (envelope.getBodyCase() == Envelope.BodyCase.BODY_NOT_SET) {
            throw new TextException("no message: give one of " + messageNames() + ", e.g. 'ping { nonce: 7 }'");
        }
        int size = envelope.getSerializedSize();
        int limit = envelope.getBodyCase() == Envelope.BodyCase.CHUNK_DATA ? Wire.MAX_FRAME : Wire.MAX_CONTROL_FRAME;
        if (size > limit) {
            throw new TextException(envelope.getBodyCase().name().toLowerCase(java.util.Locale.ROOT) + " of " + size
                    + " bytes exceeds the frame limit of " + limit + " bytes");
        }
        return envelope;
    }

    /**
     * The parser's message on one line, without its own "line:column: " prefix; its report of
     * unknown fields ("Input contains unknown fields...:\n1:8:\tswiftserve.v1.Pong.nonse") becomes
     * "unknown field swiftserve.v1.Pong.nonse".
     */
    static String reason(String message) {
        String[] lines = message.split("\n");
        String first = lines[0].replaceFirst("^-?\\d+:-?\\d+: ", "");
        if (first.startsWith("Input contains unknown fields") && lines.length > 1) {
            StringBuilder fields = new StringBuilder();
            for (int i = 1; i < lines.length; i++) {
                fields.append(i > 1 ? ", " : "")
                        .append(lines[i].replaceFirst("^-?\\d+:-?\\d+:\\s*", "").trim());
            }
            return (lines.length > 2 ? "unknown fields " : "unknown field ") + fields;
        }
        lines[0] = first;
        return String.join(" ", lines).replaceAll("\\s+", " ").trim();
    }

    /** One frame: the 4-byte big-endian length, then the Envelope bytes. */
    public static byte[] frame(Envelope envelope) {
        byte[] body = envelope.toByteArray();
        return ByteBuffer.allocate(4 + body.length)
                .putInt(body.length)
                .put(body)
                .array();
    }

    /** One line of text format; a chunk payload is shown as {@code data: <N bytes>}. */
    public static String format(Envelope envelope) {
        return format(envelope, false);
    }

    /**
     * One line of text format, as {@code TextFormat}'s single-line printer writes it, except that a
     * chunk payload is shown as {@code data: <N bytes>} and, with {@code hex}, every bytes field
     * as {@code "\x4e\x90..."} (still valid text format, and hashes read like the hex ids the
     * other commands print).
     */
    public static String format(Envelope envelope, boolean hex) {
        StringBuilder sb = new StringBuilder();
        try {
            print(envelope, hex, sb);
        } catch (IOException e) {
            throw new IllegalStateException("appending to a StringBuilder cannot fail", e);
        }
        return sb.toString().trim();
    }

    private static void print(Message m, boolean hex, StringBuilder sb) throws IOException {
        for (Map.Entry<Descriptors.FieldDescriptor, Object> e : m.getAllFields().entrySet()) {
            Descriptors.FieldDescriptor f = e.getKey();
            List<?> values = f.isRepeated() ? (List<?>) e.getValue() : List.of(e.getValue());
            for (Object v : values) {
                sb.append(f.getName());
                if (f.getJavaType() == Descriptors.FieldDescriptor.JavaType.MESSAGE) {
                    sb.append(" { ");
                    print((Message) v, hex, sb);
                    sb.append("} ");
                    continue;
                }
                sb.append(": ");
                if (f.equals(CHUNK_PAYLOAD)) {
                    sb.append('<').append(((ByteString) v).size()).append(" bytes>");
                } else if (hex && f.getType() == Descriptors.FieldDescriptor.Type.BYTES) {
                    sb.append('"');
                    for (byte b : ((ByteString) v).toByteArray()) {
                        sb.append("\\x")
                                .append(Character.forDigit((b >> 4) & 0xf, 16))
                                .append(Character.forDigit(b & 0xf, 16));
                    }
                    sb.append('"');
                } else {
                    ONE_LINE.printFieldValue(f, v, sb);
                }
                sb.append(' ');
            }
        }
        if (!m.getUnknownFields().asMap().isEmpty()) {
            sb.append(ONE_LINE.shortDebugString(m.getUnknownFields())).append(' ');
        }
    }

    /** The Envelope's message names as text format spells them: "hello, auth, ping, ...". */
    public static String messageNames() {
        return Envelope.getDescriptor().getOneofs().get(0).getFields().stream()
                .map(f -> f.getName())
                .collect(Collectors.joining(", "));
    }
}

package io.swiftserve.hostile;

import com.google.protobuf.ByteString;
import com.google.protobuf.Descriptors.FieldDescriptor;
import com.google.protobuf.Message;
import io.swiftserve.proto.Envelope;
import java.util.List;
import java.util.Random;

/** Envelopes of any type with random field contents, built through the generated builders' reflection. */
public final class RandomEnvelopes {
    private RandomEnvelopes() {}

    /** Every message type an Envelope can carry. */
    public static List<FieldDescriptor> types() {
        return Envelope.getDescriptor().getOneofs().get(0).getFields();
    }

    /** A random envelope of {@code type}; int fields stay below {@code maxInt} half of the time they are large. */
    public static Envelope of(Random r, FieldDescriptor type, int maxInt) {
        Envelope.Builder b = Envelope.newBuilder();
        Message.Builder sub = b.newBuilderForField(type);
        fill(r, sub, 0, maxInt);
        b.setField(type, sub.build());
        return b.build();
    }

    public static Envelope any(Random r, int maxInt) {
        List<FieldDescriptor> t = types();
        return of(r, t.get(r.nextInt(t.size())), maxInt);
    }

    private static void fill(Random r, Message.Builder b, int depth, int maxInt) {
        for (FieldDescriptor f : b.getDescriptorForType().getFields()) {
            if (r.nextInt(4) == 0) {
                continue;
            }
            int n = f.isRepeated() ? r.nextInt(depth > 1 ? 2 : 4) : 1;
            for (int i = 0; i < n; i++) {
                Object v;
                if (f.getJavaType() == FieldDescriptor.JavaType.MESSAGE) {
                    if (depth > 3) {
                        continue;
                    }
                    Message.Builder sub = b.newBuilderForField(f);
                    fill(r, sub, depth + 1, maxInt);
                    v = sub.build();
                } else {
                    v = scalar(r, f, maxInt);
                }
                if (f.isRepeated()) {
                    b.addRepeatedField(f, v);
                } else {
                    b.setField(f, v);
                }
            }
        }
    }

    private static Object scalar(Random r, FieldDescriptor f, int maxInt) {
        return switch (f.getJavaType()) {
            case INT ->
                r.nextBoolean() ? r.nextInt(300) : (maxInt == Integer.MAX_VALUE ? r.nextInt() : r.nextInt(maxInt));
            case LONG -> r.nextBoolean() ? (long) r.nextInt(300) : r.nextLong();
            case BOOLEAN -> r.nextBoolean();
            case FLOAT -> r.nextFloat();
            case DOUBLE -> r.nextDouble();
            case STRING -> randomString(r);
            case BYTE_STRING -> {
                byte[] bytes = new byte[r.nextBoolean() ? 32 : r.nextInt(80)];
                r.nextBytes(bytes);
                yield ByteString.copyFrom(bytes);
            }
            case ENUM ->
                f.getEnumType()
                        .getValues()
                        .get(r.nextInt(f.getEnumType().getValues().size()));
            default -> throw new IllegalStateException(f.toString());
        };
    }

    private static String randomString(Random r) {
        String[] tricky = {
            "", "../../etc/passwd", "a/../b", "/abs", "x\u0000y", "ünïcødé", "a".repeat(2000), "host:1", "[::1]:8000"
        };
        if (r.nextInt(3) == 0) {
            return tricky[r.nextInt(tricky.length)];
        }
        StringBuilder sb = new StringBuilder();
        for (int i = 0, n = r.nextInt(40); i < n; i++) {
            sb.appendCodePoint(r.nextInt(4) == 0 ? 0x20 + r.nextInt(0x2000) : 'a' + r.nextInt(26));
        }
        return sb.toString();
    }
}

package io.swiftserve.chain;

import java.io.ByteArrayOutputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.util.Arrays;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;

/** Encodes a block's undo record: count, then per entry key length, key, present flag, value. */
final class UndoCodec {
    private UndoCodec() {}

    static byte[] encode(Map<byte[], Optional<byte[]>> undo) {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        try (DataOutputStream out = new DataOutputStream(bytes)) {
            out.writeInt(undo.size());
            for (Map.Entry<byte[], Optional<byte[]>> e : undo.entrySet()) {
                out.writeInt(e.getKey().length);
                out.write(e.getKey());
                out.writeBoolean(e.getValue().isPresent());
                if (e.getValue().isPresent()) {
                    out.writeInt(e.getValue().get().length);
                    out.write(e.getValue().get());
                }
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return bytes.toByteArray();
    }

    static Map<byte[], Optional<byte[]>> decode(byte[] encoded) {
        ByteBuffer in = ByteBuffer.wrap(encoded);
        Map<byte[], Optional<byte[]>> undo = new TreeMap<>(Arrays::compareUnsigned);
        int count = in.getInt();
        for (int i = 0; i < count; i++) {
            byte[] key = new byte[in.getInt()];
            in.get(key);
            if (in.get() != 0) {
                byte[] value = new byte[in.getInt()];
                in.get(value);
                undo.put(key, Optional.of(value));
            } else {
                undo.put(key, Optional.empty());
            }
        }
        return undo;
    }
}

package io.swiftserve.chain;

import io.swiftserve.store.Bytes;
import java.util.Arrays;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
import java.util.function.BiConsumer;

/**
 * Pending state changes on top of a base. Validating a block applies it to an overlay; only if every
 * rule passes are the overlay's {@link #writes()} committed, together with its {@link #undo()}
 * record, in one store batch. Overlays stack, which is how a reorg is checked before anything is
 * written.
 */
public final class StateOverlay implements StateSource {
    /** Marks a deleted key in {@link #writes()} and {@link #undo()}. */
    public static final byte[] ABSENT = null;

    private final StateSource base;
    private final TreeMap<byte[], Optional<byte[]>> writes = new TreeMap<>(Arrays::compareUnsigned);
    private final TreeMap<byte[], Optional<byte[]>> undo = new TreeMap<>(Arrays::compareUnsigned);

    public StateOverlay(StateSource base) {
        this.base = base;
    }

    @Override
    public Optional<byte[]> get(byte[] key) {
        Optional<byte[]> pending = writes.get(key);
        return pending != null ? pending : base.get(key);
    }

    @Override
    public void scan(byte[] prefix, BiConsumer<byte[], byte[]> visitor) {
        TreeMap<byte[], byte[]> merged = new TreeMap<>(Arrays::compareUnsigned);
        base.scan(prefix, merged::put);
        for (Map.Entry<byte[], Optional<byte[]>> e :
                writes.tailMap(prefix, true).entrySet()) {
            if (!Bytes.startsWith(e.getKey(), prefix)) {
                break;
            }
            if (e.getValue().isPresent()) {
                merged.put(e.getKey(), e.getValue().get());
            } else {
                merged.remove(e.getKey());
            }
        }
        merged.forEach(visitor);
    }

    public void put(byte[] key, byte[] value) {
        remember(key);
        writes.put(key, Optional.of(value));
    }

    public void delete(byte[] key) {
        remember(key);
        writes.put(key, Optional.empty());
    }

    /** Applies another overlay's writes (one stacked on this one) to this one. */
    public void absorb(StateOverlay child) {
        child.writes.forEach((k, v) -> {
            if (v.isPresent()) {
                put(k, v.get());
            } else {
                delete(k);
            }
        });
    }

    /** Applies an undo record: puts back the values a block overwrote. */
    public void revert(Map<byte[], Optional<byte[]>> undoRecord) {
        absorb(fromEntries(undoRecord));
    }

    private StateOverlay fromEntries(Map<byte[], Optional<byte[]>> entries) {
        StateOverlay o = new StateOverlay(this);
        entries.forEach((k, v) -> o.writes.put(k, v));
        return o;
    }

    private void remember(byte[] key) {
        if (!undo.containsKey(key)) {
            undo.put(key, base.get(key));
        }
    }

    /** Keys changed here and their new values (empty = deleted). */
    public Map<byte[], Optional<byte[]>> writes() {
        return writes;
    }

    /** Keys changed here and the values they had in the base (empty = absent). */
    public Map<byte[], Optional<byte[]>> undo() {
        return undo;
    }
}

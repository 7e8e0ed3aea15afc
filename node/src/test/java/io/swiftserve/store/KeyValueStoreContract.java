package io.swiftserve.store;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** The {@link KeyValueStore} contract; every implementation runs it through a subclass. */
@Timeout(60)
abstract class KeyValueStoreContract {
    protected KeyValueStore store;

    protected abstract KeyValueStore open();

    @BeforeEach
    void openStore() {
        store = open();
    }

    @AfterEach
    void closeStore() {
        store.close();
    }

    static byte[] b(String s) {
        return s.getBytes(StandardCharsets.UTF_8);
    }

    static String s(byte[] bytes) {
        return new String(bytes, StandardCharsets.UTF_8);
    }

    protected List<String> keys(Segment segment, byte[] prefix) {
        List<String> out = new ArrayList<>();
        store.scan(segment, prefix, (k, v) -> out.add(s(k) + "=" + s(v)));
        return out;
    }

    @Test
    void putGetDelete() {
        assertThat(store.get(Segment.STATE, b("k"))).isEmpty();
        store.batch().put(Segment.STATE, b("k"), b("v1")).commit();
        assertThat(store.get(Segment.STATE, b("k")))
                .get()
                .extracting(KeyValueStoreContract::s)
                .isEqualTo("v1");
        store.batch().put(Segment.STATE, b("k"), b("v2")).commit();
        assertThat(store.get(Segment.STATE, b("k")))
                .get()
                .extracting(KeyValueStoreContract::s)
                .isEqualTo("v2");
        store.batch().delete(Segment.STATE, b("k")).commit();
        assertThat(store.get(Segment.STATE, b("k"))).isEmpty();
        store.batch().delete(Segment.STATE, b("never-there")).commit();
        store.batch().put(Segment.STATE, b("empty"), new byte[0]).commit();
        assertThat(store.get(Segment.STATE, b("empty")))
                .get()
                .extracting(v -> v.length)
                .isEqualTo(0);
    }

    @Test
    void segmentsAreSeparateKeySpaces() {
        store.batch()
                .put(Segment.BLOCKS, b("k"), b("block"))
                .put(Segment.POOL, b("k"), b("tx"))
                .commit();
        assertThat(store.get(Segment.BLOCKS, b("k")))
                .get()
                .extracting(KeyValueStoreContract::s)
                .isEqualTo("block");
        assertThat(store.get(Segment.POOL, b("k")))
                .get()
                .extracting(KeyValueStoreContract::s)
                .isEqualTo("tx");
        assertThat(store.get(Segment.STATE, b("k"))).isEmpty();
        assertThat(keys(Segment.META, new byte[0])).isEmpty();
    }

    @Test
    void callerArraysAreNotShared() {
        byte[] key = b("key");
        byte[] value = b("value");
        store.batch().put(Segment.STATE, key, value).commit();
        key[0] = 'X';
        value[0] = 'X';
        byte[] read = store.get(Segment.STATE, b("key")).orElseThrow();
        assertThat(s(read)).isEqualTo("value");
        read[0] = 'Y';
        assertThat(s(store.get(Segment.STATE, b("key")).orElseThrow())).isEqualTo("value");
    }

    @Test
    void batchWritesAreInvisibleUntilCommit() {
        store.batch().put(Segment.STATE, b("gone"), b("old")).commit();
        KeyValueStore.Batch batch = store.batch()
                .put(Segment.STATE, b("a"), b("1"))
                .put(Segment.HEIGHTS, b("b"), b("2"))
                .delete(Segment.STATE, b("gone"));
        assertThat(store.get(Segment.STATE, b("a"))).isEmpty();
        assertThat(store.get(Segment.HEIGHTS, b("b"))).isEmpty();
        assertThat(store.get(Segment.STATE, b("gone"))).isPresent();
        assertThat(keys(Segment.STATE, new byte[0])).containsExactly("gone=old");

        batch.commit();

        assertThat(store.get(Segment.STATE, b("a"))).isPresent();
        assertThat(store.get(Segment.HEIGHTS, b("b"))).isPresent();
        assertThat(store.get(Segment.STATE, b("gone"))).isEmpty();
    }

    @Test
    void laterWritesToOneKeyInABatchWin() {
        store.batch()
                .put(Segment.STATE, b("x"), b("1"))
                .put(Segment.STATE, b("x"), b("2"))
                .put(Segment.STATE, b("y"), b("1"))
                .delete(Segment.STATE, b("y"))
                .delete(Segment.STATE, b("z"))
                .put(Segment.STATE, b("z"), b("3"))
                .commit();
        assertThat(keys(Segment.STATE, new byte[0])).containsExactly("x=2", "z=3");
    }

    @Test
    void abandonedBatchWritesNothing() {
        store.batch().put(Segment.STATE, b("a"), b("1"));
        assertThat(store.get(Segment.STATE, b("a"))).isEmpty();
    }

    @Test
    void prefixScanVisitsMatchingKeysInUnsignedOrder() {
        List<byte[]> keys = new ArrayList<>();
        for (int first : new int[] {0x00, 0x01, 0x7f, 0x80, 0xfe, 0xff}) {
            for (int second : new int[] {0x00, 0x41, 0x80, 0xff}) {
                keys.add(new byte[] {'p', (byte) first, (byte) second});
            }
        }
        keys.add(new byte[] {'p'});
        keys.add(new byte[] {'o', (byte) 0xff});
        keys.add(new byte[] {'q'});
        keys.add(new byte[] {'q', 0});
        Collections.shuffle(keys, new Random(3));
        KeyValueStore.Batch batch = store.batch();
        keys.forEach(k -> batch.put(Segment.STATE, k, k));
        batch.commit();

        List<String> seen = new ArrayList<>();
        store.scan(Segment.STATE, new byte[] {'p'}, (k, v) -> {
            assertThat(v).isEqualTo(k);
            seen.add(java.util.HexFormat.of().formatHex(k));
        });
        List<String> expected = new ArrayList<>();
        expected.add("70");
        for (String first : new String[] {"00", "01", "7f", "80", "fe", "ff"}) {
            for (String second : new String[] {"00", "41", "80", "ff"}) {
                expected.add("70" + first + second);
            }
        }
        assertThat(seen).containsExactlyElementsOf(expected);

        List<String> narrow = new ArrayList<>();
        store.scan(
                Segment.STATE,
                new byte[] {'p', (byte) 0xff},
                (k, v) -> narrow.add(java.util.HexFormat.of().formatHex(k)));
        assertThat(narrow).containsExactly("70ff00", "70ff41", "70ff80", "70ffff");
        assertThat(keys(Segment.STATE, b("nothing"))).isEmpty();
    }

    @Test
    void emptyPrefixScansTheWholeSegmentInOrder() {
        store.batch()
                .put(Segment.POOL, b("b"), b("2"))
                .put(Segment.POOL, b("a"), b("1"))
                .put(Segment.POOL, b("c"), b("3"))
                .put(Segment.PEERS, b("0"), b("other"))
                .commit();
        assertThat(keys(Segment.POOL, new byte[0])).containsExactly("a=1", "b=2", "c=3");
    }

    @Test
    void bigEndianLongKeysScanInNumericOrder() {
        long[] values = {5, 0, 256, 1L << 40, 1, 255, 65_536};
        KeyValueStore.Batch batch = store.batch();
        for (long v : values) {
            batch.put(Segment.HEIGHTS, Bytes.longKey(v), Bytes.longKey(v));
        }
        batch.commit();
        List<Long> seen = new ArrayList<>();
        store.scan(Segment.HEIGHTS, new byte[0], (k, v) -> seen.add(Bytes.toLong(k)));
        assertThat(seen).containsExactly(0L, 1L, 5L, 255L, 256L, 65_536L, 1L << 40);
    }

    @Test
    void closeIsIdempotent() {
        store.close();
        store.close();
        store = open();
    }
}

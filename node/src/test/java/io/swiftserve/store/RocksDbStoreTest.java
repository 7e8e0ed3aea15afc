package io.swiftserve.store;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class RocksDbStoreTest extends KeyValueStoreContract {
    @TempDir
    Path dir;

    @Override
    protected KeyValueStore open() {
        return RocksDbStore.open(dir.resolve("db"));
    }

    @Test
    void committedWritesSurviveReopen() {
        store.batch()
                .put(Segment.STATE, b("a"), b("1"))
                .put(Segment.BITMAPS, b("f"), b("bits"))
                .commit();
        store.batch()
                .put(Segment.STATE, b("b"), b("2"))
                .delete(Segment.STATE, b("a"))
                .commit();
        store.batch().put(Segment.STATE, b("uncommitted"), b("x"));
        store.close();

        store = open();
        assertThat(keys(Segment.STATE, new byte[0])).containsExactly("b=2");
        assertThat(keys(Segment.BITMAPS, new byte[0])).containsExactly("f=bits");
    }

    @Test
    void aSecondOpenOfTheSameDirectoryFailsWithStoreException() {
        assertThatThrownBy(() -> RocksDbStore.open(dir.resolve("db")))
                .isInstanceOf(StoreException.class)
                .hasMessageContaining("cannot open the store");
    }

    @Test
    void openOnAFileIsAStoreException() throws Exception {
        Path file = Files.writeString(dir.resolve("not-a-dir"), "x");
        assertThatThrownBy(() -> RocksDbStore.open(file)).isInstanceOf(StoreException.class);
    }
}

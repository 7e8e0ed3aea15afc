package io.swiftserve.chain;

import static org.assertj.core.api.Assertions.assertThatCode;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.List;
import org.junit.jupiter.api.Test;

/** The entry-list rules every node applies before a tree touches its disk. */
class TreeEntriesTest {
    private static TreeEntry file(String path, long size) {
        return new TreeEntry(path, size, TreeEntry.REGULAR, 0, false);
    }

    @Test
    void aWellFormedTreePasses() {
        assertThatCode(() -> TreeEntries.check(
                        List.of(file("a/b", 3), new TreeEntry("a/empty", 0, 0, 0, true), file("c", 0)), 3))
                .doesNotThrowAnyException();
    }

    @Test
    void refusesWhatCouldLeaveTheTreeOrContradictItself() {
        List<List<TreeEntry>> bad = List.of(
                List.of(file("../x", 1)),
                List.of(file("a/../../x", 1)),
                List.of(file("/etc/x", 1)),
                List.of(file("a//x", 1)),
                List.of(file("a\u0000x", 1)),
                List.of(file(".swiftserve-trees/x", 1)),
                List.of(file("x", 1), file("x", 0)),
                List.of(file("a", 0), file("a/b", 1)),
                List.of(file("x", 2)),
                List.of());
        for (List<TreeEntry> entries : bad) {
            assertThatThrownBy(() -> TreeEntries.check(entries, 1))
                    .as("%s", entries)
                    .isInstanceOf(InvalidException.class);
        }
    }
}

package io.swiftserve.transfer;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** A tree kept by rm is one copy of the versions store: counted by its files' bytes, pruned whole. */
class VersionsTreeTest {
    @TempDir
    Path dir;

    @Test
    void aKeptTreeIsOneCopyAndIsPrunedWhole() throws Exception {
        Path tree = dir.resolve("web~20200101-000000");
        Files.createDirectories(tree.resolve("css"));
        Files.writeString(tree.resolve("index.html"), "12345");
        // a file inside a kept tree whose name looks like a kept copy is part of the tree, not one of its own
        Files.writeString(tree.resolve("css/old~20200101-000000"), "123");
        Files.writeString(dir.resolve("notes.txt~20200101-000001"), "1");
        Versions versions = new Versions(dir);

        assertThat(versions.all())
                .extracting(Versions.Entry::path, Versions.Entry::size)
                .containsExactly(
                        org.assertj.core.groups.Tuple.tuple("web", 8L),
                        org.assertj.core.groups.Tuple.tuple("notes.txt", 1L));
        assertThat(versions.prune(Duration.ofDays(1), 0, Instant.parse("2021-01-01T00:00:00Z")))
                .isEqualTo(2);
        assertThat(tree).doesNotExist();
        assertThat(versions.all()).isEmpty();
    }
}

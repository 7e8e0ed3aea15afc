package io.swiftserve.transfer;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The versions store on its own: naming, listing, hard links, and pruning by age and by size. */
class VersionsTest {
    @TempDir
    Path dir;

    @Test
    void keepsByLinkOrMoveAndListsPerPath() throws IOException {
        Versions v = new Versions(dir.resolve("versions"));
        Path share = Files.createDirectories(dir.resolve("files/a"));
        Path f = Files.writeString(share.resolve("x~y.txt"), "one");
        Path linked = v.keep(f, "a/x~y.txt", true);
        assertThat(f)
                .as("a link leaves the file for the rename that replaces it")
                .hasContent("one");
        assertThat(linked).hasContent("one");
        Path moved = v.keep(f, "a/x~y.txt", false);
        assertThat(f).doesNotExist();
        assertThat(moved).isNotEqualTo(linked).hasContent("one");
        Files.writeString(share.resolve("x"), "other path");
        v.keep(share.resolve("x"), "a/x", false);

        assertThat(v.list("a/x~y.txt")).extracting(Versions.Entry::file).containsExactly(linked, moved);
        assertThat(v.list("a/x~y.txt")).extracting(Versions.Entry::path).containsOnly("a/x~y.txt");
        assertThat(v.list("a/x")).hasSize(1);
        assertThat(v.list("nothing/here")).isEmpty();
        assertThat(v.lastKept("a/x~y.txt")).contains(moved);
        assertThatThrownBy(() -> v.list("../escape")).isInstanceOf(IOException.class);
    }

    @Test
    void prunesWhatIsOlderThanTheLimitThenTheOldestOverTheSizeCap() throws IOException {
        Path root = Files.createDirectories(dir.resolve("versions/d"));
        Files.write(root.resolve("a~20260101-000000"), new byte[100]);
        Files.write(root.resolve("a~20261101-000000"), new byte[100]);
        Files.write(root.resolve("a~20261201-000000"), new byte[100]);
        Files.write(root.resolve("b~20261202-000000"), new byte[100]);
        Files.write(root.resolve("unrelated.txt"), new byte[1000]);
        Versions v = new Versions(dir.resolve("versions"));
        Instant now = Instant.parse("2026-12-03T00:00:00Z");

        assertThat(v.prune(Duration.ofDays(60), 0, now))
                .as("older than 60 days")
                .isEqualTo(1);
        assertThat(v.list("d/a")).hasSize(2);
        assertThat(v.prune(Duration.ofDays(60), 250, now))
                .as("over 250 bytes: the oldest")
                .isEqualTo(1);
        assertThat(v.list("d/a")).extracting(Versions.Entry::id).containsExactly("20261201-000000");
        assertThat(v.list("d/b")).hasSize(1);
        assertThat(v.prune(null, 0, now)).as("no limits").isZero();
        assertThat(root.resolve("unrelated.txt"))
                .as("not a kept copy: never pruned")
                .exists();
    }
}

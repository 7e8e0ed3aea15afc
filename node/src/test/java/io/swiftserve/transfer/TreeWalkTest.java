package io.swiftserve.transfer;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.swiftserve.chain.TreeEntry;
import java.io.IOException;
import java.io.InputStream;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** A directory as a tree: name order, empty directories kept, links skipped, a file changed mid-read refused. */
class TreeWalkTest {
    @TempDir
    Path dir;

    @Test
    void walksInNameOrderAndSkipsLinksAndSpecialFiles() throws Exception {
        Files.createDirectories(dir.resolve("b/empty"));
        Files.writeString(dir.resolve("b/x"), "xx");
        Files.writeString(dir.resolve("a"), "a");
        Files.createSymbolicLink(dir.resolve("c"), Path.of("a"));
        new ProcessBuilder("mkfifo", dir.resolve("fifo").toString()).start().waitFor();
        StringWriter notes = new StringWriter();
        TreeWalk w = TreeWalk.of(dir, new PrintWriter(notes));
        assertThat(w.entries().stream().map(TreeEntry::path).toList()).containsExactly("a", "b/empty", "b/x");
        assertThat(w.entries().get(1).directory()).isTrue();
        assertThat(w.size()).isEqualTo(3);
        assertThat(notes.toString().lines().toList())
                .contains("skipped: c -> symlink (not followed: a)")
                .contains("skipped: fifo -> special file (not a regular file)");
        try (InputStream in = w.content()) {
            assertThat(new String(in.readAllBytes())).isEqualTo("axx");
        }
    }

    @Test
    void aFileThatChangedSizeSinceTheWalkFailsTheRead() throws Exception {
        Files.writeString(dir.resolve("grows"), "12345");
        Files.writeString(dir.resolve("shrinks"), "12345");
        TreeWalk w = TreeWalk.of(dir, new PrintWriter(new StringWriter()));
        Files.writeString(dir.resolve("grows"), "123456");
        try (InputStream in = w.content()) {
            assertThatThrownBy(in::readAllBytes)
                    .isInstanceOf(IOException.class)
                    .hasMessageContaining("grows changed while being added (it grew from 5 bytes)");
        }
        Files.writeString(dir.resolve("grows"), "12345");
        Files.writeString(dir.resolve("shrinks"), "123");
        try (InputStream in = w.content()) {
            assertThatThrownBy(in::readAllBytes).hasMessageContaining("shrinks changed while being added (it shrank");
        }
        assertThat(List.of(w.fileCount())).containsExactly(2);
    }
}

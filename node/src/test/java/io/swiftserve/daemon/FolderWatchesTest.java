package io.swiftserve.daemon;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.swiftserve.daemon.FolderWatches.Watch;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The list of watched folders outlives the daemon, and one it cannot read is never overwritten. */
class FolderWatchesTest {
    @TempDir
    Path dir;

    @Test
    void watchesAreReadBackAfterARestart() throws IOException {
        FolderWatches w = FolderWatches.load(dir);
        w.put(new Watch("renders", "/srv/out", 5000, List.of("gpu"), 2, "abc"));
        w.put(new Watch("site", "/srv/site", 1000, List.of(), 0, null));
        w.remove("site");
        assertThat(FolderWatches.load(dir).all())
                .containsExactly(new Watch("renders", "/srv/out", 5000, List.of("gpu"), 2, "abc"));
    }

    @Test
    void aListItCannotReadStopsTheStartWithOneLineAndStaysAsItIs() throws IOException {
        Path file = Files.writeString(dir.resolve("watches.json"), "[{\"name\": \"x\", oops");
        assertThatThrownBy(() -> FolderWatches.load(dir))
                .isInstanceOf(IOException.class)
                .hasMessageContaining("watches.json is not a list of watched folders")
                .hasMessageEndingWith("fix or remove it")
                .satisfies(e -> assertThat(e.getMessage()).doesNotContain("\n"));
        assertThat(Files.readString(file)).isEqualTo("[{\"name\": \"x\", oops");
    }
}

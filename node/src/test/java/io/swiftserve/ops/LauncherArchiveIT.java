package io.swiftserve.ops;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.swiftserve.cluster.Checkout;
import io.swiftserve.cluster.Processes;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * The launcher's class-data archive (scripts/swiftserve): the first command writes it in the
 * background, later commands map it, and picocli's classes come from it rather than the jar (a
 * dynamic archive cannot hold their Java 5 class files, which then load and verify on every call).
 */
@Timeout(value = 180, unit = TimeUnit.SECONDS)
class LauncherArchiveIT {
    /** Where each test runs, with its own copy of the jar: the archive is keyed to the jar's size and time. */
    @TempDir
    Path dir;

    private Path jar;

    @BeforeEach
    void copyTheJar() {
        jar = Checkout.copyOfTheJar(dir);
    }

    private Processes.Run launcher(Map<String, String> extra, String... args) throws Exception {
        Map<String, String> env = new HashMap<>(Map.of("SWIFTSERVE_JAR", jar.toString()));
        env.putAll(extra);
        return Checkout.script(dir, "swiftserve", env, args);
    }

    private static List<Path> archives(Path cache) throws Exception {
        Path d = cache.resolve("swiftserve");
        if (!Files.isDirectory(d)) {
            return List.of();
        }
        try (Stream<Path> s = Files.list(d)) {
            return s.filter(p -> p.getFileName().toString().endsWith(".jsa")).toList();
        }
    }

    @Test
    void theFirstCommandWritesAnArchiveThatLaterCommandsLoadPicocliFrom() throws Exception {
        Path cache = dir.resolve("cache");
        Map<String, String> env = Map.of("XDG_CACHE_HOME", cache.toString());
        Processes.Run first = launcher(env, "--version");
        assertThat(first.exit()).as("%s", first).isZero();
        assertThat(first.out()).startsWith("swiftserve/");

        await("the class-data archive written in the background")
                .atMost(Duration.ofSeconds(120))
                .pollInterval(Duration.ofMillis(200))
                .until(() -> archives(cache).size() == 1);

        Path classes = dir.resolve("classes.txt");
        Map<String, String> logged = new HashMap<>(env);
        logged.put("SWIFTSERVE_JAVA_OPTS", "-Xlog:class+load=info:file=" + classes);
        Processes.Run second = launcher(logged, "add", "--help");
        assertThat(second.exit()).as("%s", second).isZero();
        assertThat(second.err())
                .as("the archive's notes stay out of the user's way")
                .isEmpty();
        String loaded = Files.readString(classes);
        assertThat(loaded)
                .contains("io.swiftserve.cli.Main source: shared objects file")
                .contains("picocli.CommandLine source: shared objects file")
                .contains("picocli.CommandLine$Model$CommandSpec source: shared objects file");
        try (Stream<Path> left = Files.list(cache.resolve("swiftserve"))) {
            assertThat(left.map(p -> p.getFileName().toString()))
                    .as("no temporary file or class list is left behind")
                    .allMatch(n -> n.endsWith(".jsa") && !n.contains(".tmp"));
        }
    }

    @Test
    void withoutAWritableCacheOrWithArchivesOffCommandsRunAsUsual() throws Exception {
        Path notADir = Files.writeString(dir.resolve("cache-is-a-file"), "x");
        Processes.Run blocked = launcher(Map.of("XDG_CACHE_HOME", notADir.toString()), "--version");
        assertThat(blocked.exit()).as("%s", blocked).isZero();
        assertThat(blocked.out()).startsWith("swiftserve/");
        assertThat(blocked.err()).isEmpty();

        Path cache = dir.resolve("off");
        Processes.Run off = launcher(Map.of("XDG_CACHE_HOME", cache.toString(), "SWIFTSERVE_CDS", "0"), "--version");
        assertThat(off.exit()).as("%s", off).isZero();
        assertThat(Files.exists(cache)).as("SWIFTSERVE_CDS=0 writes no archive").isFalse();
    }
}

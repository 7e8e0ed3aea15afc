package io.swiftserve.cluster;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.FileTime;
import java.time.Duration;
import java.util.List;
import java.util.jar.JarFile;

/** What the process-level tests (*IT) take from this checkout: its {@code scripts/} and the built jar. */
public final class Checkout {
    /** Classes of each layer a process test drives: a copy without one of them was cut short. */
    private static final List<String> ENTRIES = List.of(
            "io/swiftserve/cli/Main.class", "io/swiftserve/tools/Frames.class", "io/swiftserve/proto/Envelope.class");

    private Checkout() {}

    /** {@code scripts/} of this checkout: failsafe runs in {@code node/}, an IDE maybe at the top. */
    public static Path scripts() {
        for (Path d = Path.of(System.getProperty("user.dir")).toAbsolutePath(); d != null; d = d.getParent()) {
            if (Files.isRegularFile(d.resolve("scripts/swiftserve.service"))) {
                return d.resolve("scripts");
            }
        }
        throw new AssertionError("no scripts/swiftserve.service above " + System.getProperty("user.dir"));
    }

    /** Runs {@code bash scripts/NAME ARGS} of this checkout to completion in {@code dir}, with {@code env} added. */
    public static Processes.Run script(Path dir, String name, java.util.Map<String, String> env, String... args)
            throws IOException, InterruptedException {
        List<String> cmd = new java.util.ArrayList<>(
                List.of("bash", scripts().resolve(name).toString()));
        cmd.addAll(List.of(args));
        return Processes.run(dir, cmd, env);
    }

    /**
     * A private copy, in {@code into}, of the jar failsafe names in {@code swiftserve.jar}: target/ is
     * shared, and a build started meanwhile (another engineer's, an IDE's) rewrites the jar under
     * running daemons. Skips the test when there is no jar.
     */
    public static Path copyOfTheJar(Path into) {
        String p = System.getProperty("swiftserve.jar");
        assumeTrue(
                p != null && Files.isRegularFile(Path.of(p)),
                "system property swiftserve.jar does not name a built jar (failsafe sets it after package): " + p);
        Path copy = into.resolve("swiftserve.jar");
        await("a complete copy of " + p)
                .atMost(Duration.ofSeconds(120))
                .pollInterval(Duration.ofSeconds(2))
                .ignoreExceptions()
                .until(() -> copyComplete(Path.of(p), copy));
        return copy;
    }

    private static boolean copyComplete(Path source, Path target) throws IOException {
        FileTime before = Files.getLastModifiedTime(source);
        Files.copy(source, target, StandardCopyOption.REPLACE_EXISTING);
        try (JarFile jar = new JarFile(target.toFile())) {
            return before.equals(Files.getLastModifiedTime(source))
                    && ENTRIES.stream().allMatch(e -> jar.getEntry(e) != null);
        }
    }
}

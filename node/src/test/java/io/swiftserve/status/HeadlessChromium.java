package io.swiftserve.status;

import java.io.File;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

/**
 * Headless Chromium run as a process: the DOM after the page's scripts ran ({@code --dump-dom}), or a
 * screenshot. Every run has a fresh profile dir and a time limit. The background-networking flags
 * matter: without them Chromium waits on Google services this closed network never answers.
 */
final class HeadlessChromium {
    private static final long TIME_LIMIT_SECONDS = 60;

    private final Path binary;
    private final Path workDir;
    private int runs;

    private HeadlessChromium(Path binary, Path workDir) {
        this.binary = binary;
        this.workDir = workDir;
    }

    /** Chromium from PATH (Debian's {@code chromium}, or another common name), if installed. */
    static Optional<HeadlessChromium> find(Path workDir) {
        String path = System.getenv().getOrDefault("PATH", "");
        return Stream.of("chromium", "chromium-browser", "google-chrome", "google-chrome-stable")
                .flatMap(name -> Stream.of(path.split(File.pathSeparator)).map(d -> Path.of(d, name)))
                .filter(Files::isExecutable)
                .findFirst()
                .map(b -> new HeadlessChromium(b, workDir));
    }

    /** The serialized DOM of {@code url} once the page had {@code virtualMillis} of (virtual) time to run. */
    String dumpDom(String url, int virtualMillis) throws IOException, InterruptedException {
        Path out = run(List.of("--virtual-time-budget=" + virtualMillis, "--dump-dom", url));
        return Files.readString(out, StandardCharsets.UTF_8);
    }

    /** A PNG of {@code url} in a {@code width}x{@code height} window, written to {@code png}. */
    void screenshot(String url, int width, int height, int virtualMillis, Path png)
            throws IOException, InterruptedException {
        run(List.of(
                "--virtual-time-budget=" + virtualMillis,
                "--window-size=" + width + "," + height,
                "--hide-scrollbars",
                "--screenshot=" + png.toAbsolutePath(),
                url));
        if (!Files.isRegularFile(png)) {
            throw new IOException("chromium wrote no screenshot to " + png);
        }
    }

    /** Runs Chromium with the common flags plus {@code args}; returns the file holding its stdout. */
    private Path run(List<String> args) throws IOException, InterruptedException {
        int n = ++runs;
        Path profile = Files.createDirectories(workDir.resolve("profile-" + n));
        Path stdout = workDir.resolve("chromium-" + n + ".out");
        Path stderr = workDir.resolve("chromium-" + n + ".err");
        List<String> command = new ArrayList<>(List.of(
                binary.toString(),
                "--headless",
                "--no-sandbox",
                "--disable-gpu",
                "--disable-background-networking",
                "--disable-component-update",
                "--disable-sync",
                "--no-first-run",
                "--disable-default-apps",
                "--disable-dev-shm-usage",
                "--disable-extensions",
                "--mute-audio",
                "--user-data-dir=" + profile));
        command.addAll(args);
        Process p = new ProcessBuilder(command)
                .directory(workDir.toFile())
                .redirectOutput(stdout.toFile())
                .redirectError(stderr.toFile())
                .start();
        if (!p.waitFor(TIME_LIMIT_SECONDS, TimeUnit.SECONDS)) {
            p.descendants().forEach(ProcessHandle::destroyForcibly);
            p.destroyForcibly().waitFor(10, TimeUnit.SECONDS);
            throw new IOException("chromium did not finish within " + TIME_LIMIT_SECONDS + " s: "
                    + String.join(" ", command) + "\n" + tail(stderr));
        }
        if (p.exitValue() != 0) {
            throw new IOException(
                    "chromium exited with " + p.exitValue() + ": " + String.join(" ", command) + "\n" + tail(stderr));
        }
        return stdout;
    }

    private static String tail(Path file) throws IOException {
        List<String> lines = new String(Files.readAllBytes(file), StandardCharsets.UTF_8)
                .lines()
                .toList();
        return String.join("\n", lines.subList(Math.max(0, lines.size() - 20), lines.size()));
    }
}

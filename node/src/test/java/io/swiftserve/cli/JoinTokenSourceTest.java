package io.swiftserve.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.InputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/** run's token sources: argv, standard input, a file (real files and modes). */
@Timeout(10)
class JoinTokenSourceTest {
    private static final String TOKEN = "ssinv2.AAAA.BBBB.CCCC";

    @TempDir
    Path dir;

    private final ByteArrayOutputStream err = new ByteArrayOutputStream();

    private String read(String join, Path file, String stdin) {
        InputStream in = new ByteArrayInputStream(stdin.getBytes(StandardCharsets.UTF_8));
        return JoinTokenSource.read(
                join, file, dir.resolve("data"), in, new PrintStream(err, true, StandardCharsets.UTF_8));
    }

    private Path tokenFile(String mode, String text) throws Exception {
        Path f = dir.resolve("join.token");
        Files.writeString(f, text);
        Files.setPosixFilePermissions(f, PosixFilePermissions.fromString(mode));
        return f;
    }

    @Test
    void theCommandLineAndStandardInput() {
        assertThat(read(null, null, "")).isNull();
        assertThat(read(TOKEN, null, "")).isEqualTo(TOKEN);
        assertThat(read("-", null, "\n  " + TOKEN + "  \nignored\n")).isEqualTo(TOKEN);
        CliException empty = catchThrowableOfType(CliException.class, () -> read("-", null, " \n"));
        assertThat(empty.exitCode()).isEqualTo(Main.FAILED);
        assertThat(empty.getMessage()).isEqualTo("--join -: standard input holds no invite token");
    }

    @Test
    void aPrivateFileIsReadSilentlyAndAReadableOneWithAWarning() throws Exception {
        assertThat(read(null, tokenFile("rw-------", TOKEN + "\n"), "")).isEqualTo(TOKEN);
        assertThat(err.toString(StandardCharsets.UTF_8)).isEmpty();

        assertThat(read(null, tokenFile("rw-r--r--", TOKEN), "")).isEqualTo(TOKEN);
        assertThat(err.toString(StandardCharsets.UTF_8))
                .startsWith("warning: ")
                .contains("readable by other users")
                .hasLineCount(1);
    }

    @Test
    void aMissingFileMattersOnlyBeforeTheFirstStart() throws Exception {
        Path missing = dir.resolve("gone.token");
        CliException first = catchThrowableOfType(CliException.class, () -> read(null, missing, ""));
        assertThat(first.exitCode()).isEqualTo(Main.FAILED);
        assertThat(first.getMessage())
                .contains("gone.token: no such file", "holds no network yet")
                .doesNotContain("\n");

        Files.createDirectories(dir.resolve("data/db"));
        assertThat(read(null, missing, ""))
                .as("a member restarting without the used token")
                .isNull();
    }

    @Test
    void bothSourcesAtOnceIsAUsageError() throws Exception {
        CliException both = catchThrowableOfType(CliException.class, () -> read(TOKEN, dir.resolve("x"), ""));
        assertThat(both.exitCode()).isEqualTo(Main.USAGE);
        CliException emptyFile =
                catchThrowableOfType(CliException.class, () -> read(null, tokenFile("rw-------", "\n"), ""));
        assertThat(emptyFile.getMessage()).endsWith("holds no invite token");
    }
}

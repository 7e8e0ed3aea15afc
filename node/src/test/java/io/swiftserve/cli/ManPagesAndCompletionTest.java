package io.swiftserve.cli;

import static org.assertj.core.api.Assertions.assertThat;

import io.swiftserve.cluster.InProcessCli;
import java.io.File;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/** What install.sh puts beside the jar: a man page per command and the bash completion script. */
@Timeout(60)
class ManPagesAndCompletionTest {
    @TempDir
    Path dir;

    @Test
    void everyVisibleCommandGetsAManPageThatSaysWhatHelpSays() throws Exception {
        InProcessCli.Result r = InProcessCli.run("generate-man-pages", dir.toString());
        assertThat(r.exitCode()).as("%s", r).isZero();
        List<String> pages;
        try (Stream<Path> s = Files.list(dir)) {
            pages = s.map(p -> p.getFileName().toString()).sorted().toList();
        }
        assertThat(pages)
                .contains("swiftserve.1", "swiftserve-add.1", "swiftserve-run.1", "swiftserve-proto-call.1")
                .noneMatch(p -> p.contains("generate") || p.equals("swiftserve-help.1"));

        String add = Files.readString(dir.resolve("swiftserve-add.1"));
        assertThat(add)
                .startsWith(".TH SWIFTSERVE-ADD 1 ")
                .contains(".SH NAME\nswiftserve\\-add \\- Publish a file to every member")
                .contains("\\fB\\-\\-wait\\fR\n")
                .contains("\\fB\\-\\-timeout\\fR=\\fIDURATION\\fR\n")
                .contains("(default 30m)")
                .doesNotContain("${");
        String top = Files.readString(dir.resolve("swiftserve.1"));
        assertThat(top)
                .contains(".SH COMMANDS", "\\fBadd\\fR", ".SH EXIT STATUS", "\\fBswiftserve\\-add\\fR(1)")
                .doesNotContain("generate");

        // groff, where installed, reads every page without a warning
        if (onPath("groff")) {
            for (String page : pages) {
                Process p = new ProcessBuilder(
                                "groff",
                                "-man",
                                "-Tutf8",
                                "-ww",
                                "-z",
                                dir.resolve(page).toString())
                        .redirectErrorStream(true)
                        .start();
                String out = new String(p.getInputStream().readAllBytes());
                assertThat(p.waitFor(20, TimeUnit.SECONDS)).isTrue();
                assertThat(out).as("groff on %s", page).isEmpty();
                assertThat(p.exitValue()).isZero();
            }
        }
    }

    @Test
    void theCompletionScriptIsBashThatCompletesTheVisibleCommands() throws Exception {
        InProcessCli.Result r = InProcessCli.run("generate-completion");
        assertThat(r.exitCode()).as("%s", r).isZero();
        assertThat(r.out())
                .contains("complete -F", "swiftserve")
                .contains(" add ", " status ")
                .doesNotContain("generate-man-pages");
        Path script = Files.writeString(dir.resolve("swiftserve"), r.out());
        Process p = new ProcessBuilder("bash", "-c", "source \"$0\" && complete -p swiftserve", script.toString())
                .redirectErrorStream(true)
                .start();
        String out = new String(p.getInputStream().readAllBytes());
        assertThat(p.waitFor(20, TimeUnit.SECONDS)).isTrue();
        assertThat(out).contains("swiftserve");
        assertThat(p.exitValue()).as(out).isZero();
    }

    @Test
    void theGeneratorsStayOutOfHelp() {
        InProcessCli.Result r = InProcessCli.run("--help");
        assertThat(r.out()).contains("add").doesNotContain("generate");
    }

    private static boolean onPath(String tool) {
        return Stream.of(System.getenv().getOrDefault("PATH", "").split(File.pathSeparator))
                .anyMatch(d -> Files.isExecutable(Path.of(d, tool)));
    }
}

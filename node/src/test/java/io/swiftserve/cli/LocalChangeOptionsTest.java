package io.swiftserve.cli;

import static org.assertj.core.api.Assertions.assertThat;

import io.swiftserve.cluster.InProcessCli;
import io.swiftserve.transfer.LocalPolicy;
import java.nio.file.Path;
import java.time.Duration;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import picocli.CommandLine;

/** run's local-change and versions options: what they give the node, and bad input as one line, exit 2. */
@Timeout(30)
class LocalChangeOptionsTest {
    @TempDir
    Path dir;

    @ParameterizedTest
    @CsvSource(
            delimiter = '|',
            value = {
                "run|--local-changes|overwrite|--local-changes: 'overwrite' is not keep-aside or keep-local",
                "run|--keep-versions|0|--keep-versions: '0' is not a duration",
                "run|--keep-versions|a month|--keep-versions: 'a month' is not a duration",
                "run|--versions-max-size|20GB|--versions-max-size: '20GB' is not a size like 500MiB",
                "versions|--to|x|--to needs --restore ID",
            })
    void badInputIsOneLineAndExit2(String command, String option, String value, String message) {
        InProcessCli.Result r = command.equals("versions")
                ? InProcessCli.run(command, "--data", dir.toString(), "a.txt", option, value)
                : InProcessCli.run(command, "--data", dir.toString(), option, value);
        assertThat(r.exitCode()).as(r.toString()).isEqualTo(Main.USAGE);
        assertThat(r.err()).contains(message).hasLineCount(1);
    }

    @Test
    void versionsRefusesAPathOutsideTheNetworksNames() {
        InProcessCli.Result r = InProcessCli.run("versions", "--data", dir.toString(), "../up", "--json");
        assertThat(r.exitCode()).as(r.toString()).isEqualTo(Main.USAGE);
        assertThat(r.err()).contains("is not a file path of the network").hasLineCount(1);
        InProcessCli.Result none = InProcessCli.run("versions", "--data", dir.toString(), "a.txt");
        assertThat(none.exitCode()).as(none.toString()).isZero();
        assertThat(none.lines()).singleElement().asString().startsWith("no kept copies of a.txt");
    }

    @Test
    void theOptionsMakeThePolicy() {
        LocalChangeOptions o = new LocalChangeOptions();
        new CommandLine(new Holder(o))
                .parseArgs("--local-changes", "keep-local", "--keep-versions", "7d", "--versions-max-size", "2GiB");
        assertThat(o.policy())
                .isEqualTo(new LocalPolicy(
                        LocalPolicy.OnChange.KEEP_LOCAL, Duration.ofSeconds(10), Duration.ofDays(7), 2L << 30));
        LocalChangeOptions d = new LocalChangeOptions();
        new CommandLine(new Holder(d)).parseArgs("--keep-versions", "forever");
        assertThat(d.policy()).isEqualTo(LocalPolicy.DEFAULT.withVersions(null, 0));
        LocalChangeOptions none = new LocalChangeOptions();
        new CommandLine(new Holder(none)).parseArgs();
        assertThat(none.policy()).as("defaults").isEqualTo(LocalPolicy.DEFAULT);
    }

    @CommandLine.Command(name = "holder")
    static final class Holder {
        @CommandLine.Mixin
        LocalChangeOptions options;

        Holder(LocalChangeOptions options) {
            this.options = options;
        }
    }
}

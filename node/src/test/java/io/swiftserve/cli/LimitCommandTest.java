package io.swiftserve.cli;

import static org.assertj.core.api.Assertions.assertThat;

import io.swiftserve.cluster.InProcessCli;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** Bad rates and schedules are refused before any daemon is asked: one line, exit 2. */
@Timeout(30)
class LimitCommandTest {
    @TempDir
    Path dir;

    @ParameterizedTest
    @CsvSource(
            delimiter = '|',
            value = {
                "limit|--up|20MiBs|--up: '20MiBs' is not a rate like 20MiB/s",
                "limit|--down|fast|--down: 'fast' is not a rate like",
                "limit|--peer-up|1KiB/s|--peer-up: '1KiB/s' is below the smallest limit, 64KiB/s",
                "limit|--schedule|mon-fri 8-18 up=1MiB/s|--schedule: schedule rule 'mon-fri 8-18 up=1MiB/s': not DAYS",
                "limit|--schedule|mon-fry 08:00-18:00 up=1MiB/s|'fry' is not a day",
                "limit|--schedule|* 08:00-25:00 up=1MiB/s|25:00 is not a time of day",
                "limit|--schedule|* 08:00-18:00 left=1MiB/s|'left=1mib/s' is not up=RATE or down=RATE",
                "limit|--schedule|* 08:00-18:00 up=lots|'lots' is not a rate",
                "run|--limit-up|20 MiB per second|--limit-up: '20 MiB per second' is not a rate",
                "run|--limit-schedule|weekdays 08:00-18:00 up=1MiB/s|--limit-schedule: schedule rule"
            })
    void badInputIsOneLineAndExit2(String command, String option, String value, String message) {
        InProcessCli.Result r = InProcessCli.run(command, "--data", dir.toString(), option, value);
        System.out.println("[LimitCommandTest] " + command + " " + option + " '" + value + "' -> "
                + r.err().strip());
        assertThat(r.exitCode()).as(r.toString()).isEqualTo(Main.USAGE);
        assertThat(r.err()).contains(message).hasLineCount(1);
    }

    @Test
    void withoutADaemonTheAnswerIsExit3() {
        InProcessCli.Result r = InProcessCli.run("limit", "--data", dir.toString(), "--up", "20MiB/s");
        assertThat(r.exitCode()).as(r.toString()).isEqualTo(Main.NOT_RUNNING);
        assertThat(r.err()).hasLineCount(1);
    }

    @Test
    void helpExplainsBothGrammars() {
        InProcessCli.Result r = InProcessCli.run("limit", "--help");
        assertThat(r.exitCode()).isZero();
        assertThat(r.out()).contains("Usage: swiftserve limit", "100Mbit/s", "mon-fri 08:00-18:00 up=20MiB/s");
    }
}

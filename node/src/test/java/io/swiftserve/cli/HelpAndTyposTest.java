package io.swiftserve.cli;

import static org.assertj.core.api.Assertions.assertThat;

import io.swiftserve.cluster.InProcessCli;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** The first things a new user types: a subcommand's --help, and a typo. */
@Timeout(30)
class HelpAndTyposTest {
    @ParameterizedTest
    @ValueSource(strings = {"add", "run", "status", "fetch", "revoke", "ls", "init", "invite", "proto", "config"})
    void everySubcommandAnswersHelp(String command) {
        InProcessCli.Result r = InProcessCli.run(command, "--help");
        assertThat(r.exitCode())
                .as("exit code of '%s --help', stderr: %s", command, r.err())
                .isZero();
        assertThat(r.out()).contains("Usage: swiftserve " + command);
        assertThat(r.err()).isEmpty();
    }

    @Test
    void aTypoGetsASuggestion() {
        InProcessCli.Result r = InProcessCli.run("stauts");
        System.out.println(
                "[HelpAndTyposTest] swiftserve stauts -> " + r.err().strip().replace('\n', '|'));
        assertThat(r.exitCode()).isEqualTo(Main.USAGE);
        assertThat(r.err()).contains("did you mean: status").hasLineCount(1);
    }

    @Test
    void underJsonAnErrorIsAJsonObjectWithTheSameExitCode() throws Exception {
        InProcessCli.Result r = InProcessCli.run("status", "--data", "/nonexistent/swiftserve", "--json");
        System.out.println(
                "[HelpAndTyposTest] status --json on no data dir -> " + r.err().strip());
        assertThat(r.exitCode()).isEqualTo(Main.NOT_RUNNING);
        var error = io.swiftserve.admin.Json.MAPPER.readTree(r.err());
        assertThat(error.path("error").asText()).contains("is not a swiftserve data dir");
        assertThat(error.path("exitCode").asInt()).isEqualTo(Main.NOT_RUNNING);
        assertThat(r.out()).isEmpty();
    }
}

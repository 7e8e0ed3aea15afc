package io.swiftserve.cli;

import static io.swiftserve.cli.JarRunner.assertOneLineError;
import static io.swiftserve.cli.JarRunner.hexAfter;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import io.swiftserve.cluster.Checkout;
import io.swiftserve.cluster.Processes;
import io.swiftserve.cluster.Processes.Run;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * The CLI contract that scripts and later tests rely on, driven through the real jar as separate
 * processes. Runs under failsafe, after {@code package} built the jar.
 */
@Timeout(value = 240, unit = TimeUnit.SECONDS)
class CliContractIT {
    private static final String HEX64 = "[0-9a-f]{64}";
    private static Path jar;

    @TempDir
    Path dir;

    private JarRunner sw;

    @TempDir
    static Path jarDir;

    /** A private copy of the jar: see {@link Checkout#copyOfTheJar}. */
    @BeforeAll
    static void copyTheJar() {
        jar = Checkout.copyOfTheJar(jarDir);
    }

    @BeforeEach
    void setUp() {
        sw = new JarRunner(jar, dir);
    }

    @AfterEach
    void killLeftovers() throws InterruptedException {
        sw.close();
    }

    private String init(Path data) throws Exception {
        Run r = sw.cli("init", "--data", data.toString(), "--network", "lab");
        assertThat(r.exit()).as("%s", r).isZero();
        return r.out();
    }

    @Test
    void initPrintsTheNodeIdAndTheNetworkId() throws Exception {
        Path a = dir.resolve("a");
        Run r = sw.cli("init", "--data", a.toString(), "--network", "lab");
        assertThat(r.exit()).as("%s", r).isZero();
        assertThat(r.err()).isEmpty();
        assertThat(hexAfter("node id:", r.out())).isNotEqualTo(hexAfter("network id:", r.out()));

        Run json = sw.cli("init", "--data", dir.resolve("b").toString(), "--network", "lab", "--json");
        assertThat(json.exit()).as("%s", json).isZero();
        assertThat(json.json().path("nodeId").asText()).matches(HEX64);
        assertThat(json.json().path("networkId").asText()).matches(HEX64);

        // a second init must not overwrite the node
        Run again = sw.cli("init", "--data", a.toString(), "--network", "lab");
        assertOneLineError(again);
        assertThat(again.exit()).isEqualTo(1);
    }

    @Test
    void twoNodesFormANetworkThroughTheCli() throws Exception {
        Path a = dir.resolve("a");
        Path b = dir.resolve("b");
        String printed = init(a);
        String nodeA = hexAfter("node id:", printed);
        String network = hexAfter("network id:", printed);

        Process runA = sw.daemon("a", "--data", a.toString(), "--port", "0");
        JsonNode status = sw.awaitStatus(a, runA, "a");
        for (String field : List.of("nodeId", "networkId", "height", "headHash", "members", "peersConnected")) {
            assertThat(status.has(field))
                    .as("status --json has %s: %s", field, status)
                    .isTrue();
        }
        assertThat(status.path("nodeId").asText()).isEqualTo(nodeA);
        assertThat(status.path("networkId").asText()).isEqualTo(network);
        assertThat(status.path("height").asLong()).isZero();
        assertThat(status.path("headHash").asText()).isEqualTo(network);
        assertThat(status.path("members").asInt()).isEqualTo(1);
        assertThat(status.path("peersConnected").asInt()).isZero();

        Run invite = sw.cli("invite", "--data", a.toString(), "--ttl", "10m");
        assertThat(invite.exit()).as("%s", invite).isZero();
        List<String> lines = invite.out().lines().filter(l -> !l.isBlank()).toList();
        assertThat(lines).hasSize(1);
        String token = lines.get(0).trim();
        assertThat(token).startsWith("ssinv2.").doesNotContainAnyWhitespaces();

        // the token from a private file: ps (the process's command line) never shows it
        Path tokenFile = Files.writeString(dir.resolve("join.token"), token + "\n");
        Files.setPosixFilePermissions(tokenFile, java.nio.file.attribute.PosixFilePermissions.fromString("rw-------"));
        Process runB = sw.daemon("b", "--data", b.toString(), "--port", "0", "--join-file", tokenFile.toString());
        JsonNode statusB = sw.awaitStatus(b, runB, "b");
        String cmdline =
                Files.readString(Path.of("/proc/" + runB.pid() + "/cmdline")).replace('\0', ' ');
        assertThat(cmdline).contains("--join-file").doesNotContain(token.substring(0, 40));
        assertThat(sw.log("b"))
                .as("no warning for a 0600 file, no token in the log")
                .doesNotContain("warning", token);
        assertThat(statusB.path("networkId").asText()).isEqualTo(network);
        String nodeB = statusB.path("nodeId").asText();
        assertThat(nodeB).matches(HEX64).isNotEqualTo(nodeA);
        await("two members, one peer each, one head")
                .atMost(Processes.DAEMON_UP)
                .pollInterval(Duration.ofMillis(300))
                .until(() -> {
                    JsonNode sa =
                            sw.cli("status", "--data", a.toString(), "--json").json();
                    JsonNode sb =
                            sw.cli("status", "--data", b.toString(), "--json").json();
                    return sa.path("members").asInt() == 2
                            && sb.path("members").asInt() == 2
                            && sa.path("peersConnected").asInt() == 1
                            && sb.path("peersConnected").asInt() == 1
                            && sa.path("headHash")
                                    .asText()
                                    .equals(sb.path("headHash").asText());
                });

        // the start-up warm-up: one line of its own, none of its throwaway nodes', nothing left on disk
        await("a's start-up warm-up")
                .atMost(Processes.DAEMON_UP)
                .pollInterval(Duration.ofMillis(300))
                .until(() -> sw.log("a").contains("warmed up the transfer path: 16 MiB"));
        assertThat(sw.log("a").lines().filter(l -> l.contains(" started: network ")))
                .as("only the daemon's own node says it started")
                .singleElement()
                .asString()
                .contains(nodeA.substring(0, 12));
        assertThat(a.resolve("warmup")).doesNotExist();

        Run peers = sw.cli("peers", "--data", a.toString(), "--json");
        assertThat(peers.exit()).as("%s", peers).isZero();
        List<String> peerIds = new ArrayList<>();
        peers.json().path("peers").forEach(p -> peerIds.add(p.path("nodeId").asText()));
        assertThat(peerIds).containsExactlyInAnyOrder(nodeA, nodeB);

        Run chain = sw.cli("chain", "--data", b.toString(), "--json");
        assertThat(chain.exit()).as("%s", chain).isZero();
        assertThat(chain.json().path("height").asLong()).isEqualTo(1);
        assertThat(chain.json().path("blocks").size()).isEqualTo(2);
        assertThat(chain.json().path("blocks").get(1).path("hash").asText()).isEqualTo(network);

        for (String cmd : List.of("status", "peers", "chain")) {
            Run human = sw.cli(cmd, "--data", a.toString());
            assertThat(human.exit()).as("%s", human).isZero();
            assertThat(human.out()).as(cmd).isNotBlank();
            assertThat(human.err()).as(cmd).isEmpty();
        }

        // arguments only the daemon can judge: still one line, non-zero, no stack trace
        assertOneLineError(sw.cli("invite", "--data", a.toString(), "--ttl", "banana"));
        assertOneLineError(sw.cli("revoke", "--data", a.toString(), "not-a-node-id"));
        assertOneLineError(sw.cli("revoke", "--data", a.toString(), "0123456789abcdef"));

        // the later member may not revoke the founder; the founder may revoke it
        Run refused = sw.cli("revoke", "--data", b.toString(), nodeA);
        assertOneLineError(refused);
        assertThat(refused.exit()).isEqualTo(1);
        Run revoked = sw.cli("revoke", "--data", a.toString(), nodeB.substring(0, 16));
        assertThat(revoked.exit()).as("%s", revoked).isZero();
        assertThat(revoked.out()).contains(nodeB);
        await("b disconnected")
                .atMost(Processes.DAEMON_UP)
                .pollInterval(Duration.ofMillis(300))
                .until(() -> {
                    JsonNode sa =
                            sw.cli("status", "--data", a.toString(), "--json").json();
                    return sa.path("members").asInt() == 1
                            && sa.path("peersConnected").asInt() == 0;
                });

        sw.terminate(runA, "a");
        sw.terminate(runB, "b");
        assertThat(sw.log("a")).doesNotContain("\tat ").doesNotContain(" ERROR ");
        assertThat(sw.log("b")).doesNotContain("\tat ").doesNotContain(" ERROR ");
    }

    @Test
    void sigtermStopsTheDaemonWithExit0AndARestartKeepsItsChain() throws Exception {
        Path a = dir.resolve("a");
        init(a);
        Process run = sw.daemon("a", "--data", a.toString(), "--port", "0", "--no-warmup");
        JsonNode before = sw.awaitStatus(a, run, "a");
        sw.terminate(run, "a");
        assertThat(sw.log("a")).contains("node stopped").doesNotContain("warm");

        Run down = sw.cli("status", "--data", a.toString());
        assertThat(down.exit()).as("%s", down).isEqualTo(3);
        assertThat(down.errLines()).hasSize(1);

        Process again = sw.daemon("a2", "--data", a.toString(), "--port", "0");
        JsonNode after = sw.awaitStatus(a, again, "a2");
        assertThat(after.path("nodeId").asText())
                .isEqualTo(before.path("nodeId").asText());
        assertThat(after.path("headHash").asText())
                .isEqualTo(before.path("headHash").asText());
        sw.terminate(again, "a2");
    }

    @Test
    void aCommandWithoutItsDaemonSaysSoInOneLineAndExits3() throws Exception {
        Path never = dir.resolve("never-initialised");
        Path idle = dir.resolve("initialised-not-running");
        Path killed = dir.resolve("killed");
        init(idle);
        init(killed);
        Process run = sw.daemon("killed", "--data", killed.toString(), "--port", "0");
        sw.awaitStatus(killed, run, "killed");
        run.destroyForcibly();
        assertThat(run.waitFor(10, TimeUnit.SECONDS)).isTrue();
        // SIGKILL leaves admin.port behind: the CLI must still say "not running", not hang or crash
        assertThat(killed.resolve("admin.port")).exists();

        List<List<String>> commands = List.of(
                List.of("status"),
                List.of("status", "--json"),
                List.of("peers"),
                List.of("chain", "--json"),
                List.of("invite"),
                List.of("leave"),
                List.of("revoke", "0123456789abcdef"));
        for (Path data : List.of(never, idle, killed)) {
            for (List<String> cmd : commands) {
                List<String> args = new ArrayList<>(cmd);
                args.addAll(1, List.of("--data", data.toString()));
                Run r = sw.cli(args.toArray(String[]::new));
                assertThat(r.exit()).as("%s: %s", args, r).isEqualTo(3);
                assertThat(r.errLines()).as("%s: %s", args, r).hasSize(1);
                assertThat(r.errLines().get(0))
                        .startsWith(args.contains("--json") ? "{\"error\":\"" : "swiftserve: ")
                        .contains(
                                data == never
                                        ? "is not a swiftserve data dir (create one with 'swiftserve init"
                                        : "no swiftserve daemon is running")
                        .doesNotContain("Exception");
                assertThat(r.out()).as("%s: %s", args, r).isEmpty();
            }
        }
    }

    @Test
    void badArgumentsPrintOneLineAndExitNonZeroWithoutAStackTrace() throws Exception {
        Path a = dir.resolve("a");
        init(a);
        String data = a.toString();
        List<List<String>> usage = List.of(
                List.of(),
                List.of("frobnicate"),
                List.of("status", "--data", data, "--bogus"),
                List.of("status"),
                List.of("invite", "--ttl", "1h"),
                List.of("init", "--data", dir.resolve("x").toString()),
                List.of("init", "--data", dir.resolve("y").toString(), "--network", ""),
                List.of("run", "--data", data, "--port", "banana"),
                List.of("run", "--data", data, "--port", "70000"),
                List.of("run", "--data", data, "--peer", "no-port-here"),
                List.of("revoke", "--data", data),
                List.of("chain", "--data", data, "--limit", "many"));
        for (List<String> args : usage) {
            Run r = sw.cli(args.toArray(String[]::new));
            assertOneLineError(r);
            assertThat(r.exit()).as("%s: %s", args, r).isEqualTo(2);
        }
        List<List<String>> failed = List.of(
                List.of("run", "--data", dir.resolve("empty").toString(), "--port", "0"),
                List.of("run", "--data", dir.resolve("j1").toString(), "--port", "0", "--join", "not-a-token"),
                List.of("run", "--data", dir.resolve("j2").toString(), "--port", "0", "--join", "ssinv1.AAAA.BBBB"),
                List.of(
                        "run",
                        "--data",
                        dir.resolve("j3").toString(),
                        "--port",
                        "0",
                        "--join-file",
                        dir.resolve("none").toString()));
        for (List<String> args : failed) {
            Run r = sw.cli(args.toArray(String[]::new));
            assertOneLineError(r);
            assertThat(r.exit()).as("%s: %s", args, r).isEqualTo(1);
        }
        // without a daemon, --ttl banana can only be answered with "not running": still one line
        assertOneLineError(sw.cli("invite", "--data", data, "--ttl", "banana"));
    }
}

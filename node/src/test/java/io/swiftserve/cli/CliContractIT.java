package io.swiftserve.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * The CLI contract that scripts and later tests rely on, driven through the real jar as separate
 * processes: {@code java -jar swiftserve.jar ...}. Runs under failsafe, after {@code package}.
 */
@Timeout(value = 240, unit = TimeUnit.SECONDS)
class CliContractIT {
    private static final Duration COMMAND_LIMIT = Duration.ofSeconds(60);
    private static final Duration DAEMON_UP = Duration.ofSeconds(60);
    private static final Pattern HEX64 = Pattern.compile("\\b[0-9a-f]{64}\\b");
    private static final ObjectMapper JSON = new ObjectMapper();
    private static Path jar;

    @TempDir
    Path dir;

    private final List<Process> processes = new ArrayList<>();

    @BeforeAll
    static void findJar() {
        String p = System.getProperty("swiftserve.jar");
        assumeTrue(p != null && Files.isRegularFile(Path.of(p)),
                "the swiftserve.jar system property does not name a built jar (run under failsafe after package): " + p);
        jar = Path.of(p);
    }

    @AfterEach
    void killLeftovers() throws InterruptedException {
        for (Process p : processes) {
            if (p.isAlive()) {
                p.descendants().forEach(ProcessHandle::destroyForcibly);
                p.destroyForcibly();
                p.waitFor(10, TimeUnit.SECONDS);
            }
        }
    }

    /** What one CLI invocation printed, and its exit code. */
    record Run(int exit, String out, String err) {
        List<String> errLines() {
            return err.lines().filter(l -> !l.isBlank()).toList();
        }

        JsonNode json() throws IOException {
            return JSON.readTree(out);
        }

        @Override
        public String toString() {
            return "exit " + exit + "\n--- stdout\n" + out + "--- stderr\n" + err;
        }
    }

    private ProcessBuilder java(String... args) {
        List<String> cmd = new ArrayList<>(List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-Xmx256m", "-XX:TieredStopAtLevel=1", "-jar", jar.toString()));
        cmd.addAll(List.of(args));
        ProcessBuilder pb = new ProcessBuilder(cmd);
        // the flags under test decide, not whatever the machine running the build exports
        pb.environment().keySet().removeAll(List.of("PORT", "MACHINE_IP", "AUTO_DETECT_IP"));
        return pb;
    }

    private int invocation;

    /** Runs one command to completion (bounded) and captures both streams. */
    private Run cli(String... args) throws Exception {
        int n = invocation++;
        Path out = dir.resolve("cli-" + n + ".out");
        Path err = dir.resolve("cli-" + n + ".err");
        Process p = java(args).redirectOutput(out.toFile()).redirectError(err.toFile()).start();
        processes.add(p);
        if (!p.waitFor(COMMAND_LIMIT.toSeconds(), TimeUnit.SECONDS)) {
            p.destroyForcibly();
            throw new AssertionError("swiftserve " + String.join(" ", args) + " did not finish within " + COMMAND_LIMIT);
        }
        return new Run(p.exitValue(), Files.readString(out, StandardCharsets.UTF_8), Files.readString(err, StandardCharsets.UTF_8));
    }

    /** A daemon in the background; its stdout and stderr go to NAME.log and NAME.err in the temp dir. */
    private Process daemon(String name, String... args) throws IOException {
        List<String> all = new ArrayList<>(List.of("run"));
        all.addAll(List.of(args));
        Process p = java(all.toArray(String[]::new))
                .redirectOutput(dir.resolve(name + ".log").toFile())
                .redirectError(dir.resolve(name + ".err").toFile())
                .start();
        processes.add(p);
        return p;
    }

    private String log(String name) throws IOException {
        return Files.readString(dir.resolve(name + ".log")) + Files.readString(dir.resolve(name + ".err"));
    }

    /** Polls {@code status --json} until it answers; fails with the daemon's log if it never does. */
    private JsonNode awaitStatus(Path data, Process daemon, String name) {
        AtomicReference<JsonNode> status = new AtomicReference<>();
        await("status of " + name).atMost(DAEMON_UP).pollDelay(Duration.ZERO).pollInterval(Duration.ofMillis(300))
                .failFast(() -> {
                    if (!daemon.isAlive()) {
                        throw new AssertionError("daemon " + name + " exited with " + daemon.exitValue() + ":\n" + log(name));
                    }
                })
                .until(() -> {
                    Run r = cli("status", "--data", data.toString(), "--json");
                    if (r.exit() == 0) {
                        status.set(r.json());
                        return true;
                    }
                    return false;
                });
        return status.get();
    }

    private static void assertOneLineError(Run r) {
        assertThat(r.exit()).as("exit code of %s", r).isNotZero();
        List<String> lines = r.errLines();
        assertThat(lines).as("stderr of %s", r).isNotEmpty();
        assertThat(lines.get(0)).as("the error line").startsWith("swiftserve: ");
        // picocli adds "Try 'swiftserve X --help'." after a usage error: a hint, not a second error
        assertThat(lines.subList(1, lines.size())).as("stderr after the error line of %s", r)
                .allMatch(l -> l.matches("Try 'swiftserve( \\w+)? --help'\\."));
        assertThat(r.err()).as("stderr of %s", r).doesNotContain("\tat ").doesNotContain("Exception");
        assertThat(r.out()).as("stdout of %s", r).doesNotContain("\tat ").doesNotContain("Exception");
    }

    private static String hexAfter(String label, String text) {
        Matcher m = Pattern.compile(Pattern.quote(label) + "\\s*([0-9a-f]{64})").matcher(text);
        assertThat(m.find()).as("'%s' followed by a 64-hex id in:%n%s", label, text).isTrue();
        return m.group(1);
    }

    @Test
    void initPrintsTheNodeIdAndTheNetworkId() throws Exception {
        Path a = dir.resolve("a");
        Run r = cli("init", "--data", a.toString(), "--network", "lab");
        assertThat(r.exit()).as("%s", r).isZero();
        assertThat(r.err()).isEmpty();
        String nodeId = hexAfter("node id:", r.out());
        String networkId = hexAfter("network id:", r.out());
        assertThat(nodeId).isNotEqualTo(networkId);

        Run json = cli("init", "--data", dir.resolve("b").toString(), "--network", "lab", "--json");
        assertThat(json.exit()).as("%s", json).isZero();
        assertThat(json.json().path("nodeId").asText()).matches(HEX64);
        assertThat(json.json().path("networkId").asText()).matches(HEX64);

        // a second init on the same dir must not overwrite the node
        Run again = cli("init", "--data", a.toString(), "--network", "lab");
        assertOneLineError(again);
        assertThat(again.exit()).isEqualTo(1);
    }

    @Test
    void twoNodesFormANetworkThroughTheCli() throws Exception {
        Path a = dir.resolve("a");
        Path b = dir.resolve("b");
        Run init = cli("init", "--data", a.toString(), "--network", "lab");
        assertThat(init.exit()).as("%s", init).isZero();
        String nodeA = hexAfter("node id:", init.out());
        String network = hexAfter("network id:", init.out());

        Process runA = daemon("a", "--data", a.toString(), "--port", "0");
        JsonNode status = awaitStatus(a, runA, "a");
        for (String field : List.of("nodeId", "networkId", "height", "headHash", "members", "peersConnected")) {
            assertThat(status.has(field)).as("status --json has %s: %s", field, status).isTrue();
        }
        assertThat(status.path("nodeId").asText()).isEqualTo(nodeA);
        assertThat(status.path("networkId").asText()).isEqualTo(network);
        assertThat(status.path("height").asLong()).isZero();
        assertThat(status.path("headHash").asText()).isEqualTo(network);
        assertThat(status.path("members").asInt()).isEqualTo(1);
        assertThat(status.path("peersConnected").asInt()).isZero();

        Run invite = cli("invite", "--data", a.toString(), "--ttl", "10m");
        assertThat(invite.exit()).as("%s", invite).isZero();
        List<String> tokenLines = invite.out().lines().filter(l -> !l.isBlank()).toList();
        assertThat(tokenLines).hasSize(1);
        String token = tokenLines.get(0).trim();
        assertThat(token).startsWith("ssinv1.").doesNotContainAnyWhitespaces();

        Process runB = daemon("b", "--data", b.toString(), "--port", "0", "--join", token);
        JsonNode statusB = awaitStatus(b, runB, "b");
        assertThat(statusB.path("networkId").asText()).isEqualTo(network);
        String nodeB = statusB.path("nodeId").asText();
        assertThat(nodeB).matches(HEX64).isNotEqualTo(nodeA);

        await("both see two members, one peer, one head").atMost(DAEMON_UP).pollInterval(Duration.ofMillis(300)).until(() -> {
            JsonNode sa = cli("status", "--data", a.toString(), "--json").json();
            JsonNode sb = cli("status", "--data", b.toString(), "--json").json();
            return sa.path("members").asInt() == 2 && sb.path("members").asInt() == 2
                    && sa.path("peersConnected").asInt() == 1 && sb.path("peersConnected").asInt() == 1
                    && sa.path("headHash").asText().equals(sb.path("headHash").asText());
        });

        Run peers = cli("peers", "--data", a.toString(), "--json");
        assertThat(peers.exit()).as("%s", peers).isZero();
        List<String> peerIds = new ArrayList<>();
        peers.json().path("peers").forEach(p -> peerIds.add(p.path("nodeId").asText()));
        assertThat(peerIds).containsExactlyInAnyOrder(nodeA, nodeB);

        Run chain = cli("chain", "--data", b.toString(), "--json");
        assertThat(chain.exit()).as("%s", chain).isZero();
        JsonNode c = chain.json();
        assertThat(c.path("height").asLong()).isEqualTo(1);
        assertThat(c.path("blocks").size()).isEqualTo(2);
        assertThat(c.path("blocks").get(1).path("hash").asText()).isEqualTo(network);

        for (String cmd : List.of("status", "peers", "chain")) {
            Run human = cli(cmd, "--data", a.toString());
            assertThat(human.exit()).as("%s", human).isZero();
            assertThat(human.out()).as(cmd).isNotBlank();
            assertThat(human.err()).as(cmd).isEmpty();
        }

        // bad arguments that only the daemon can judge: still one line, non-zero, no stack trace
        assertOneLineError(cli("invite", "--data", a.toString(), "--ttl", "banana"));
        assertOneLineError(cli("revoke", "--data", a.toString(), "not-a-node-id"));
        assertOneLineError(cli("revoke", "--data", a.toString(), "0123456789abcdef"));

        // the later member may not revoke the founder; the founder may revoke it
        Run refused = cli("revoke", "--data", b.toString(), nodeA);
        assertOneLineError(refused);
        assertThat(refused.exit()).isEqualTo(1);
        Run revoked = cli("revoke", "--data", a.toString(), nodeB.substring(0, 16));
        assertThat(revoked.exit()).as("%s", revoked).isZero();
        assertThat(revoked.out()).contains(nodeB);
        await("b disconnected").atMost(DAEMON_UP).pollInterval(Duration.ofMillis(300)).until(() -> {
            JsonNode sa = cli("status", "--data", a.toString(), "--json").json();
            return sa.path("members").asInt() == 1 && sa.path("peersConnected").asInt() == 0;
        });

        for (Process p : List.of(runA, runB)) {
            p.destroy();
            assertThat(p.waitFor(10, TimeUnit.SECONDS)).as("stopped within 10 s after SIGTERM").isTrue();
            assertThat(p.exitValue()).isZero();
        }
        assertThat(log("a")).doesNotContain("\tat ").doesNotContain(" ERROR ");
        assertThat(log("b")).doesNotContain("\tat ").doesNotContain(" ERROR ");
    }

    @Test
    void sigtermStopsTheDaemonWithExit0AndARestartKeepsItsChain() throws Exception {
        Path a = dir.resolve("a");
        assertThat(cli("init", "--data", a.toString(), "--network", "lab").exit()).isZero();
        Process run = daemon("a", "--data", a.toString(), "--port", "0");
        JsonNode before = awaitStatus(a, run, "a");

        run.destroy();
        assertThat(run.waitFor(10, TimeUnit.SECONDS)).as("stopped within 10 s after SIGTERM").isTrue();
        assertThat(run.exitValue()).as("exit code after SIGTERM; log:%n%s", log("a")).isZero();
        assertThat(log("a")).contains("node stopped");

        Run down = cli("status", "--data", a.toString());
        assertThat(down.exit()).as("%s", down).isEqualTo(3);
        assertThat(down.errLines()).hasSize(1);

        Process again = daemon("a2", "--data", a.toString(), "--port", "0");
        JsonNode after = awaitStatus(a, again, "a2");
        assertThat(after.path("nodeId").asText()).isEqualTo(before.path("nodeId").asText());
        assertThat(after.path("headHash").asText()).isEqualTo(before.path("headHash").asText());
        again.destroy();
        assertThat(again.waitFor(10, TimeUnit.SECONDS)).isTrue();
        assertThat(again.exitValue()).isZero();
    }

    @Test
    void aCommandWithoutItsDaemonSaysSoInOneLineAndExits3() throws Exception {
        Path never = dir.resolve("never-initialised");
        Path idle = dir.resolve("initialised-not-running");
        assertThat(cli("init", "--data", idle.toString(), "--network", "lab").exit()).isZero();
        Path killed = dir.resolve("killed");
        assertThat(cli("init", "--data", killed.toString(), "--network", "lab").exit()).isZero();
        Process run = daemon("killed", "--data", killed.toString(), "--port", "0");
        awaitStatus(killed, run, "killed");
        run.destroyForcibly();
        assertThat(run.waitFor(10, TimeUnit.SECONDS)).isTrue();
        // SIGKILL leaves admin.port behind: the CLI must still say "not running", not hang or crash
        assertThat(killed.resolve("admin.port")).exists();

        List<List<String>> commands = List.of(List.of("status"), List.of("status", "--json"), List.of("peers"),
                List.of("chain", "--json"), List.of("invite"), List.of("leave"), List.of("revoke", "0123456789abcdef"));
        for (Path data : List.of(never, idle, killed)) {
            for (List<String> cmd : commands) {
                List<String> args = new ArrayList<>(cmd);
                args.addAll(1, List.of("--data", data.toString()));
                Run r = cli(args.toArray(String[]::new));
                assertThat(r.exit()).as("%s: %s", args, r).isEqualTo(3);
                assertThat(r.errLines()).as("%s: %s", args, r).hasSize(1);
                assertThat(r.errLines().get(0)).startsWith("swiftserve: ").contains("no swiftserve daemon is running").doesNotContain("Exception");
                assertThat(r.out()).as("%s: %s", args, r).isEmpty();
            }
        }
    }

    @Test
    void badArgumentsPrintOneLineAndExitNonZeroWithoutAStackTrace() throws Exception {
        Path a = dir.resolve("a");
        assertThat(cli("init", "--data", a.toString(), "--network", "lab").exit()).isZero();
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
            Run r = cli(args.toArray(String[]::new));
            assertOneLineError(r);
            assertThat(r.exit()).as("%s: %s", args, r).isEqualTo(2);
        }
        List<List<String>> failed = List.of(
                List.of("run", "--data", dir.resolve("empty").toString(), "--port", "0"),
                List.of("run", "--data", dir.resolve("joiner").toString(), "--port", "0", "--join", "not-a-token"),
                List.of("run", "--data", dir.resolve("joiner2").toString(), "--port", "0", "--join", "ssinv1.AAAA.BBBB"));
        for (List<String> args : failed) {
            Run r = cli(args.toArray(String[]::new));
            assertOneLineError(r);
            assertThat(r.exit()).as("%s: %s", args, r).isEqualTo(1);
        }
        // without a daemon, --ttl banana can only be judged as "not running": still one line
        assertOneLineError(cli("invite", "--data", data, "--ttl", "banana"));
    }
}

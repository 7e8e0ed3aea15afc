package io.swiftserve.cli;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import io.swiftserve.admin.Json;
import io.swiftserve.cluster.InProcessCli;
import io.swiftserve.cluster.TestCluster;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/** The config file and SWIFTSERVE_DATA: what they set, what beats what, and how a bad file is told. */
@Timeout(60)
class ConfigFileTest {
    @TempDir
    Path dir;

    private Path conf(String text) throws Exception {
        return Files.writeString(dir.resolve("swiftserve.conf"), text);
    }

    private static Map<String, JsonNode> settings(InProcessCli.Result r) throws Exception {
        assertThat(r.exitCode()).as("%s", r).isZero();
        Map<String, JsonNode> byKey = new HashMap<>();
        for (JsonNode s : Json.MAPPER.readTree(r.out()).path("settings")) {
            byKey.put(s.path("key").asText(), s);
        }
        return byKey;
    }

    private static Map<String, String> env(String... kv) {
        Map<String, String> env = new HashMap<>();
        for (int i = 0; i < kv.length; i += 2) {
            env.put(kv[i], kv[i + 1]);
        }
        return env;
    }

    @Test
    void flagBeatsEnvBeatsFileBeatsDefault() throws Exception {
        Path file = conf("data = /srv/from-file\nrun.port = 7001\nrun.degree = 5\n");
        String f = "file:" + file;

        Map<String, JsonNode> fromFile =
                settings(InProcessCli.withEnv(env(), "config", "--config", file.toString(), "--json"));
        assertThat(fromFile.get("data").path("value").asText()).isEqualTo("/srv/from-file");
        assertThat(fromFile.get("data").path("source").asText()).isEqualTo(f);
        assertThat(fromFile.get("run.port").path("value").asText()).isEqualTo("7001");
        assertThat(fromFile.get("run.port").path("source").asText()).isEqualTo(f);
        assertThat(fromFile.get("run.degree").path("value").asText()).isEqualTo("5");
        assertThat(fromFile.get("run.rotate-every").path("value").asText()).isEqualTo("3m");
        assertThat(fromFile.get("run.rotate-every").path("source").asText()).isEqualTo("default");
        assertThat(fromFile.get("config").path("source").asText()).isEqualTo("flag");

        Map<String, JsonNode> fromEnv = settings(InProcessCli.withEnv(
                env("SWIFTSERVE_DATA", "/srv/from-env", "PORT", "7002", "SWIFTSERVE_CONFIG", file.toString()),
                "config",
                "--json"));
        assertThat(fromEnv.get("data").path("value").asText()).isEqualTo("/srv/from-env");
        assertThat(fromEnv.get("data").path("source").asText()).isEqualTo("env:SWIFTSERVE_DATA");
        assertThat(fromEnv.get("run.port").path("source").asText()).isEqualTo("env:PORT");
        assertThat(fromEnv.get("run.degree").path("source").asText()).isEqualTo(f);
        assertThat(fromEnv.get("config").path("source").asText()).isEqualTo("env:SWIFTSERVE_CONFIG");

        Map<String, JsonNode> fromFlag = settings(InProcessCli.withEnv(
                env("SWIFTSERVE_DATA", "/srv/from-env"),
                "config",
                "--config",
                file.toString(),
                "--data",
                "/srv/from-flag",
                "--json"));
        assertThat(fromFlag.get("data").path("value").asText()).isEqualTo("/srv/from-flag");
        assertThat(fromFlag.get("data").path("source").asText()).isEqualTo("flag");
    }

    @Test
    void theDataDirOfEveryCommandIsNotTheHandshakeKeyOfProtoCall() throws Exception {
        Path file = conf("data = /srv/x\n");
        Settings settings =
                new Settings(ConfigFile.locate(file.toString(), Map.of()), env("SWIFTSERVE_DATA", "/srv/from-env"));
        picocli.CommandLine cli = Main.withAll(new Main());
        var call =
                cli.getSubcommands().get("proto").getSubcommands().get("call").getCommandSpec();
        var status = cli.getSubcommands().get("status").getCommandSpec();
        assertThat(settings.lookup(call.findOption("--data"))).isEmpty();
        assertThat(settings.lookup(status.findOption("--data")))
                .hasValue(new Settings.Value("/srv/from-env", "env:SWIFTSERVE_DATA"));

        Path scopedFile = Files.writeString(dir.resolve("scoped.conf"), "proto.call.data = /srv/y\n");
        Settings scoped = new Settings(ConfigFile.locate(scopedFile.toString(), Map.of()), env());
        assertThat(scoped.lookup(call.findOption("--data")).map(Settings.Value::text))
                .hasValue("/srv/y");
    }

    @Test
    void theTextFormIsOneLinePerSettingWithItsSource() throws Exception {
        Path file = conf("# a comment\ndata=/srv/x\nlimit.up = 20MiB/s\n");
        InProcessCli.Result r =
                InProcessCli.withEnv(env("MACHINE_IP", "10.1.2.3"), "config", "--config", file.toString());
        System.out.println("[ConfigFileTest] swiftserve config:\n" + r.out());
        assertThat(r.exitCode()).as("%s", r).isZero();
        assertThat(r.lines())
                .anyMatch(l -> l.matches("data\\s+/srv/x\\s+file:" + file))
                .anyMatch(l -> l.matches("run\\.host\\s+10\\.1\\.2\\.3\\s+env:MACHINE_IP"))
                .anyMatch(l -> l.matches("run\\.status-bind\\s+127\\.0\\.0\\.1\\s+default"))
                .anyMatch(l -> l.matches("limit\\.up\\s+20MiB/s\\s+file:" + file));
    }

    @Test
    void theDataDirFromTheFileIsEnoughForStatus() throws Exception {
        try (TestCluster cluster = new TestCluster(dir.resolve("cluster"))) {
            cluster.found();
            Path file = conf("data = " + cluster.dataDir(0) + "\n");
            InProcessCli.Result r = InProcessCli.withEnv(env("SWIFTSERVE_CONFIG", file.toString()), "status", "--json");
            assertThat(r.exitCode()).as("%s", r).isZero();
            assertThat(Json.MAPPER.readTree(r.out()).path("members").asInt()).isEqualTo(1);
        }
    }

    @Test
    void withoutDataAnywhereTheErrorSaysWhereItMayCome() {
        InProcessCli.Result r = InProcessCli.withEnv(env(), "status");
        assertThat(r.exitCode()).as("%s", r).isEqualTo(Main.USAGE);
        assertThat(r.err())
                .hasLineCount(1)
                .contains("no data dir: give --data DIR, set SWIFTSERVE_DATA, or put 'data = DIR'");
    }

    @Test
    void aBadFileIsOneLineNamingFileLineAndKey() throws Exception {
        Path file = conf("data = /srv/x\n\nrun.prot = 8000\n");
        InProcessCli.Result unknown = InProcessCli.withEnv(env(), "status", "--config", file.toString());
        assertThat(unknown.exitCode()).as("%s", unknown).isEqualTo(Main.USAGE);
        assertThat(unknown.err()).hasLineCount(1).contains(file + ":3: unknown key 'run.prot'");

        Files.writeString(file, "data = /srv/x\nrun.port = eighty\n");
        InProcessCli.Result bad =
                InProcessCli.withEnv(env(), "run", "--config", file.toString(), "--join", "not-a-token");
        System.out.println("[ConfigFileTest] bad value -> " + bad.err().strip());
        assertThat(bad.exitCode()).as("%s", bad).isEqualTo(Main.USAGE);
        assertThat(bad.err()).hasLineCount(1).contains(file + ":2 (run.port): ", "'eighty'");

        InProcessCli.Result badEnv = InProcessCli.withEnv(env("PORT", "eighty"), "run", "--data", "/srv/x");
        assertThat(badEnv.exitCode()).as("%s", badEnv).isEqualTo(Main.USAGE);
        assertThat(badEnv.err()).hasLineCount(1).contains("PORT='eighty': ");

        // 'config' converts every value as its command would, and says what is wrong without running it
        Files.writeString(file, "data = /srv/x\nrun.port = eighty\nls.bytes = maybe\n");
        InProcessCli.Result checked = InProcessCli.withEnv(env(), "config", "--config", file.toString());
        System.out.println(
                "[ConfigFileTest] config on bad values -> " + checked.err().strip());
        assertThat(checked.exitCode()).as("%s", checked).isEqualTo(Main.USAGE);
        assertThat(checked.errLines())
                .hasSize(2)
                .anySatisfy(l -> assertThat(l).startsWith("swiftserve: " + file + ":2 (run.port): "))
                .anySatisfy(l -> assertThat(l).startsWith("swiftserve: " + file + ":3 (ls.bytes): "));
        assertThat(checked.lines()).anyMatch(l -> l.startsWith("run.port") && l.contains("eighty"));

        // values checked after parsing are named by where they came from too
        InProcessCli.Result transport =
                InProcessCli.withEnv(env("SWIFTSERVE_TRANSPORT", "carrier-pigeon"), "run", "--data", "/srv/x");
        assertThat(transport.exitCode()).as("%s", transport).isEqualTo(Main.USAGE);
        assertThat(transport.err()).hasLineCount(1).startsWith("swiftserve: SWIFTSERVE_TRANSPORT='carrier-pigeon': ");
        Files.writeString(file, "data = /srv/x\nrun.peer = 10.0.0.1:8000,no-port-here\n");
        InProcessCli.Result peer = InProcessCli.withEnv(env(), "run", "--config", file.toString());
        assertThat(peer.exitCode()).as("%s", peer).isEqualTo(Main.USAGE);
        assertThat(peer.err()).hasLineCount(1).startsWith("swiftserve: " + file + ":2 (run.peer): ");

        Files.writeString(file, "run.join = ssinv2.AAAA.BBBB\n");
        InProcessCli.Result token = InProcessCli.withEnv(env(), "config", "--config", file.toString());
        assertThat(token.exitCode()).isEqualTo(Main.USAGE);
        assertThat(token.err())
                .hasLineCount(1)
                .contains(":1: an invite token is a secret")
                .doesNotContain("AAAA");

        Files.writeString(file, "data =\n");
        InProcessCli.Result empty = InProcessCli.withEnv(env(), "status", "--config", file.toString());
        assertThat(empty.err()).hasLineCount(1).contains(file + ":1: data has no value");
    }

    @Test
    void theFileInstallShWritesIsValidWithEveryExampleUncommented() throws Exception {
        Path example = io.swiftserve.cluster.Checkout.scripts().resolve("swiftserve.conf");
        Map<String, JsonNode> asInstalled =
                settings(InProcessCli.withEnv(env(), "config", "--config", example.toString(), "--json"));
        assertThat(asInstalled.get("data").path("value").asText()).isEqualTo("/var/lib/swiftserve");

        // every commented example is a key some command knows; the last of a repeated key wins
        String all = Files.readString(example).replaceAll("(?m)^#(run\\.)", "$1");
        Path uncommented = conf(all);
        Map<String, JsonNode> s =
                settings(InProcessCli.withEnv(env(), "config", "--config", uncommented.toString(), "--json"));
        assertThat(s.get("run.status-bind").path("value").asText()).isEqualTo("0.0.0.0");
        assertThat(s.get("run.limit-schedule").path("source").asText()).startsWith("file:");
    }

    @Test
    void aMissingExplicitFileIsAnErrorAndAMissingDefaultOneIsNot() {
        Path missing = dir.resolve("nope.conf");
        InProcessCli.Result flag = InProcessCli.withEnv(env(), "config", "--config", missing.toString());
        assertThat(flag.exitCode()).as("%s", flag).isEqualTo(Main.USAGE);
        assertThat(flag.err()).hasLineCount(1).contains("config file " + missing + ": no such file");

        InProcessCli.Result viaEnv =
                InProcessCli.withEnv(env("SWIFTSERVE_CONFIG", missing.toString()), "config", "--json");
        assertThat(viaEnv.exitCode()).isEqualTo(Main.USAGE);

        // the build points the default path at a file that does not exist
        InProcessCli.Result byDefault = InProcessCli.withEnv(env(), "config", "--json");
        assertThat(byDefault.exitCode()).as("%s", byDefault).isZero();
        assertThat(byDefault.out()).contains("(missing)");
    }
}

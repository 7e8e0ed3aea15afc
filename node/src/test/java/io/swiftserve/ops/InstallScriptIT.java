package io.swiftserve.ops;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import io.swiftserve.cluster.Checkout;
import io.swiftserve.cluster.Processes;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/** scripts/install.sh into a temporary root (--prefix / DESTDIR): files, modes, idempotence, refusals. */
@Timeout(value = 180, unit = TimeUnit.SECONDS)
class InstallScriptIT {
    @TempDir
    static Path jarDir;

    private static Path jar;

    @TempDir
    Path dir;

    @BeforeAll
    static void copyTheJar() {
        jar = Checkout.copyOfTheJar(jarDir);
    }

    private Processes.Run install(Map<String, String> env, String... args) throws Exception {
        return Checkout.script(dir, "install.sh", env, args);
    }

    private static String mode(Path p) throws Exception {
        return PosixFilePermissions.toString(Files.getPosixFilePermissions(p));
    }

    @Test
    void installsJarLauncherUnitAndSettingsWithTheirModes() throws Exception {
        Path root = dir.resolve("root");
        Processes.Run r = install(Map.of(), "--prefix", root.toString(), "--jar", jar.toString());
        assertThat(r.exit()).as("%s", r).isZero();

        Path installedJar = root.resolve("opt/swiftserve/swiftserve.jar");
        Path launcher = root.resolve("usr/local/bin/swiftserve");
        Path unit = root.resolve("etc/systemd/system/swiftserve.service");
        Path env = root.resolve("etc/default/swiftserve");
        Path data = root.resolve("var/lib/swiftserve");
        Path conf = root.resolve("etc/swiftserve/swiftserve.conf");
        assertThat(mode(conf)).as("config file").isEqualTo("rw-r--r--");
        assertThat(Files.mismatch(conf, Checkout.scripts().resolve("swiftserve.conf")))
                .isEqualTo(-1);
        assertThat(Files.readAllLines(conf)).contains("data = /var/lib/swiftserve");
        assertThat(mode(installedJar)).as("jar").isEqualTo("rw-r--r--");
        assertThat(mode(launcher)).as("launcher").isEqualTo("rwxr-xr-x");
        assertThat(mode(unit)).as("unit").isEqualTo("rw-r--r--");
        assertThat(mode(env)).as("settings").isEqualTo("rw-------");
        assertThat(mode(data)).as("data dir").isEqualTo("rwx------");
        assertThat(Files.mismatch(installedJar, jar))
                .as("installed jar = the jar given")
                .isEqualTo(-1);
        assertThat(Files.mismatch(launcher, Checkout.scripts().resolve("swiftserve")))
                .isEqualTo(-1);
        assertThat(Files.mismatch(unit, Checkout.scripts().resolve("swiftserve.service")))
                .isEqualTo(-1);
        assertThat(Files.mismatch(env, Checkout.scripts().resolve("swiftserve.env")))
                .isEqualTo(-1);
        assertThat(Files.list(root.resolve("opt/swiftserve"))
                        .map(p -> p.getFileName().toString()))
                .as("no temporary file left behind")
                .noneMatch(n -> n.endsWith(".new"));
        assertThat(r.out())
                .contains(
                        "Next steps",
                        "swiftserve init --data /var/lib/swiftserve",
                        "--join",
                        "systemctl enable --now swiftserve",
                        "sudo swiftserve status ",
                        "journalctl -u swiftserve");

        // bash completion and man pages, made by the installed jar
        Path completion = root.resolve("usr/share/bash-completion/completions/swiftserve");
        Path man1 = root.resolve("usr/local/share/man/man1");
        assertThat(mode(completion)).as("completion").isEqualTo("rw-r--r--");
        assertThat(Files.readString(completion)).contains("complete -F", " add ", " status ");
        Processes.Run sourced = Processes.run(
                dir, List.of("bash", "-c", "source \"$0\" && complete -p swiftserve", completion.toString()), Map.of());
        assertThat(sourced.exit()).as("%s", sourced).isZero();
        assertThat(mode(man1.resolve("swiftserve.1"))).as("man page").isEqualTo("rw-r--r--");
        assertThat(Files.readString(man1.resolve("swiftserve-add.1")))
                .startsWith(".TH SWIFTSERVE-ADD 1")
                .contains("\\-\\-wait");
        assertThat(man1)
                .isDirectoryContaining("glob:**/swiftserve-run.1")
                .isDirectoryContaining("glob:**/swiftserve-proto-call.1");
        assertThat(r.out()).contains("installed " + completion, "installed " + man1.resolve("swiftserve.1"));
        if (Processes.onPath("man").isPresent()) {
            Processes.Run page = Processes.run(
                    dir,
                    List.of("man", "-l", man1.resolve("swiftserve-add.1").toString()),
                    Map.of("MANPAGER", "cat", "MANWIDTH", "100"));
            assertThat(page.exit()).as("%s", page).isZero();
            assertThat(page.out()).contains("--wait", "--timeout=DURATION");
        }

        // the installed launcher runs the installed jar
        Processes.Run help = Processes.run(
                dir, List.of(launcher.toString(), "--help"), Map.of("SWIFTSERVE_JAR", installedJar.toString()));
        assertThat(help.exit()).as("%s", help).isZero();
        assertThat(help.out()).contains("init", "run", "status");

        // again, over an edited settings file left readable by an older install: jar and unit
        // replaced, settings kept and made private
        Files.writeString(env, "PORT=9123\n");
        Files.setPosixFilePermissions(env, PosixFilePermissions.fromString("rw-r--r--"));
        Files.writeString(conf, "data = /srv/swiftserve\n");
        Files.writeString(unit, "stale\n");
        Files.writeString(man1.resolve("swiftserve-gone.1"), ".TH SWIFTSERVE-GONE 1\n");
        Processes.Run again = install(Map.of(), "--prefix", root.toString(), "--jar", jar.toString());
        assertThat(again.exit()).as("%s", again).isZero();
        assertThat(Files.readString(env)).isEqualTo("PORT=9123\n");
        assertThat(Files.readString(conf)).as("the admin's config file").isEqualTo("data = /srv/swiftserve\n");
        assertThat(mode(env)).as("kept settings").isEqualTo("rw-------");
        assertThat(again.out()).contains("kept");
        assertThat(Files.mismatch(unit, Checkout.scripts().resolve("swiftserve.service")))
                .isEqualTo(-1);
        assertThat(man1.resolve("swiftserve-gone.1"))
                .as("the page of a command that is gone")
                .doesNotExist();
        assertThat(man1.resolve("swiftserve-add.1")).isRegularFile();
        assertThat(mode(data)).isEqualTo("rwx------");
    }

    /** The token reaches the data dir from standard input or a file: mode 0600, never on a command line. */
    @Test
    void theJoinTokenGoesToAPrivateFileThatTheDefaultSettingsRead() throws Exception {
        Path root = dir.resolve("root");
        String token = "ssinv2.AAAA.BBBB.CCCC"; // install.sh checks the form only; run checks the rest
        Path pasted = Files.writeString(dir.resolve("pasted.txt"), "\n  " + token + "  \n");
        String script = Checkout.scripts().resolve("install.sh").toString();
        Processes.Run r = Processes.run(
                dir,
                List.of(
                        "bash",
                        "-c",
                        "exec bash \"$0\" --prefix \"$1\" --jar \"$2\" --join-file - < \"$3\"",
                        script,
                        root.toString(),
                        jar.toString(),
                        pasted.toString()),
                Map.of());
        assertThat(r.exit()).as("%s", r).isZero();
        Path stored = root.resolve("var/lib/swiftserve/join.token");
        assertThat(mode(stored)).as("token file").isEqualTo("rw-------");
        assertThat(Files.readString(stored)).isEqualTo(token + "\n");
        assertThat(r.out()).contains("join.token").doesNotContain(token);
        Path env = root.resolve("etc/default/swiftserve");
        assertThat(mode(env)).isEqualTo("rw-------");
        assertThat(Files.readAllLines(env))
                .as("the default settings read the token file")
                .contains("SWIFTSERVE_ARGS=--join-file /var/lib/swiftserve/join.token");
        assertThat(Files.readString(env)).doesNotContain("ssinv2.");
        assertThat(root.resolve("var/lib/swiftserve")).isDirectoryNotContaining("glob:**/.join.token.new");

        // from a file, over the first one: replaced, still private
        Path other = Files.writeString(dir.resolve("other.txt"), token + "DDDD\n");
        Processes.Run again = install(
                Map.of(), "--prefix", root.toString(), "--jar", jar.toString(), "--join-file", other.toString());
        assertThat(again.exit()).as("%s", again).isZero();
        assertThat(Files.readString(stored)).isEqualTo(token + "DDDD\n");
        assertThat(mode(stored)).isEqualTo("rw-------");

        // an old bearer token or no token at all: refused in one line, the stored one untouched
        Files.writeString(other, "ssinv1.AAAA.BBBB\n");
        Processes.Run old = install(
                Map.of(), "--prefix", root.toString(), "--jar", jar.toString(), "--join-file", other.toString());
        assertThat(old.exit()).as("%s", old).isEqualTo(1);
        assertThat(old.err().strip())
                .startsWith("install.sh: ")
                .contains("old format")
                .doesNotContain("\n");
        Files.writeString(other, "hello\n");
        Processes.Run junk = install(
                Map.of(),
                "--prefix",
                dir.resolve("root2").toString(),
                "--jar",
                jar.toString(),
                "--join-file",
                other.toString());
        assertThat(junk.exit()).as("%s", junk).isEqualTo(1);
        assertThat(dir.resolve("root2/opt")).doesNotExist();
        assertThat(Files.readString(stored)).isEqualTo(token + "DDDD\n");
    }

    @Test
    void destdirInTheEnvironmentWorksLikePrefix() throws Exception {
        Path root = dir.resolve("destdir");
        Processes.Run r = install(Map.of("DESTDIR", root.toString()), "--jar", jar.toString());
        assertThat(r.exit()).as("%s", r).isZero();
        assertThat(root.resolve("opt/swiftserve/swiftserve.jar")).isRegularFile();
        assertThat(root.resolve("etc/systemd/system/swiftserve.service")).isRegularFile();
    }

    @Test
    void badArgumentsAreRefusedInOneLineWithoutInstallingAnything() throws Exception {
        Path root = dir.resolve("root");
        Processes.Run missing = install(
                Map.of(),
                "--prefix",
                root.toString(),
                "--jar",
                dir.resolve("nope.jar").toString());
        assertThat(missing.exit()).as("%s", missing).isEqualTo(1);
        assertThat(missing.err().strip())
                .startsWith("install.sh: ")
                .contains("nope.jar")
                .doesNotContain("\n");
        assertThat(root.resolve("opt")).doesNotExist();

        Path notAJar = Files.writeString(dir.resolve("x.jar"), "hello");
        if (Processes.onPath("unzip").isPresent()) {
            Processes.Run wrong = install(Map.of(), "--prefix", root.toString(), "--jar", notAJar.toString());
            assertThat(wrong.exit()).as("%s", wrong).isEqualTo(1);
            assertThat(root.resolve("opt")).doesNotExist();
        }

        Processes.Run unknown = install(Map.of(), "--frobnicate");
        assertThat(unknown.exit()).as("%s", unknown).isEqualTo(2);
        assertThat(unknown.err()).contains("unknown argument '--frobnicate'");

        Processes.Run help = install(Map.of(), "--help");
        assertThat(help.exit()).as("%s", help).isZero();
        assertThat(help.out()).contains("--prefix", "--jar");
    }

    /** Into / it needs root; an ordinary user is told so and nothing changes. */
    @Test
    void withoutPrefixAnOrdinaryUserIsToldToUseRoot() throws Exception {
        String uid = Processes.run(dir, List.of("id", "-u"), Map.of()).out().strip();
        List<String> cmd;
        if (!uid.equals("0")) {
            cmd = List.of("bash", Checkout.scripts().resolve("install.sh").toString(), "--jar", jar.toString());
        } else {
            // as root, drop to nobody for this one run (never run the real install from a test)
            Optional<Path> setpriv = Processes.onPath("setpriv");
            assumeTrue(
                    setpriv.isPresent(),
                    "running as root and setpriv (util-linux) is missing: cannot test the non-root refusal");
            List<String> asNobody =
                    List.of(setpriv.get().toString(), "--reuid=65534", "--regid=65534", "--clear-groups");
            List<String> probe = new ArrayList<>(asNobody);
            probe.addAll(List.of(
                    "test", "-r", Checkout.scripts().resolve("install.sh").toString()));
            assumeTrue(
                    Processes.run(dir, probe, Map.of()).exit() == 0,
                    "running as root and scripts/install.sh is not readable by nobody: cannot test the non-root refusal");
            cmd = new ArrayList<>(asNobody);
            cmd.addAll(List.of("bash", Checkout.scripts().resolve("install.sh").toString(), "--jar", jar.toString()));
        }
        Processes.Run r = Processes.run(dir, cmd, Map.of());
        assertThat(r.exit()).as("%s", r).isEqualTo(1);
        assertThat(r.err()).contains("must run as root");
    }
}

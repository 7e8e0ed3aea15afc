package io.swiftserve.faults;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.swiftserve.cluster.Checkout;
import io.swiftserve.cluster.Processes;
import io.swiftserve.cluster.TestFiles;
import io.swiftserve.hostile.RawPeer;
import io.swiftserve.proto.Envelope;
import io.swiftserve.proto.Ping;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * Three real {@code java -jar swiftserve.jar run} processes replicate files while the test sends
 * SIGKILL to a random node at a random moment, at least 20 times, restarting it each time from its
 * data dir. After every kill: any file present in the killed node's share directory has the right
 * SHA-256 (nothing is ever complete with a wrong hash), and the node comes back (RocksDB opens, the
 * peer port answers Ping). At the end every node holds byte-identical copies of every file.
 */
@Timeout(value = 600, unit = TimeUnit.SECONDS)
class KillRestartIT {
    private static final int NODES = 3;
    private static final int KILLS = Integer.getInteger("kills", 20);

    @TempDir
    Path dir;

    private final List<Process> procs = new ArrayList<>();
    private final Process[] running = new Process[NODES];
    private Path jar;
    private int basePort;

    @AfterEach
    void tearDown() throws InterruptedException {
        Processes.killAll(procs);
    }

    private Path data(int i) {
        return dir.resolve("node" + i);
    }

    /** One command to completion (bounded); its stdout. */
    private String cli(String... args) throws Exception {
        Processes.Run r = Processes.cli(dir, jar, args);
        assertThat(r.exit()).as("%s", r).isZero();
        return r.out();
    }

    private void start(int i, String joinToken) throws Exception {
        List<String> args = new ArrayList<>(List.of(
                "run", "--data", data(i).toString(), "--port", Integer.toString(basePort + i), "--host", "127.0.0.1"));
        if (joinToken != null) {
            args.add("--join");
            args.add(joinToken);
        }
        ProcessBuilder pb = Processes.builder(Processes.javaJar(jar, args.toArray(String[]::new)), Map.of());
        Files.createDirectories(data(i));
        Path log = dir.resolve("node" + i + ".log");
        Process p = pb.redirectErrorStream(true)
                .redirectOutput(ProcessBuilder.Redirect.appendTo(log.toFile()))
                .start();
        procs.add(p);
        running[i] = p;
        await("node " + i + " answers Ping")
                .atMost(Duration.ofSeconds(60))
                .pollInterval(Duration.ofMillis(200))
                .failFast(() -> {
                    if (!p.isAlive()) {
                        throw new AssertionError("node " + i + " exited with " + p.exitValue() + ":\n" + tail(log));
                    }
                })
                .until(() -> pings(basePort + i));
    }

    private static String tail(Path log) throws IOException {
        List<String> lines = Files.readAllLines(log);
        return String.join("\n", lines.subList(Math.max(0, lines.size() - 40), lines.size()));
    }

    private static boolean pings(int port) {
        try (RawPeer p = RawPeer.connect(port)) {
            p.send(Envelope.newBuilder().setPing(Ping.newBuilder().setNonce(1)).build());
            return p.poll(Envelope.BodyCase.PONG, Duration.ofSeconds(2)) != null;
        } catch (Exception e) {
            return false;
        }
    }

    /** Every file present in node i's share dir must have the expected hash (a wrong complete file is the one failure). */
    private int checkShare(int i, Map<String, String> expected) {
        int present = 0;
        for (Map.Entry<String, String> f : expected.entrySet()) {
            Path p = data(i).resolve("files").resolve(f.getKey());
            if (Files.exists(p)) {
                assertThat(TestFiles.sha256(p))
                        .as("%s on node %d (complete on disk)", f.getKey(), i)
                        .isEqualTo(f.getValue());
                present++;
            }
        }
        return present;
    }

    @Test
    void randomKillsDuringReplicationLoseNothingAndCorruptNothing() throws Exception {
        // a private copy: nodes restart from the jar 20 times, and a build meanwhile would rewrite target/'s
        jar = Checkout.copyOfTheJar(dir);
        long seed = Long.getLong("kill.seed", System.nanoTime());
        Random r = new Random(seed);
        // below Linux's ephemeral range (32768 up): a restarted node must get its port back, and an
        // outgoing connection of this machine could hold one in that range at that moment
        basePort = 21000 + r.nextInt(11000);
        System.out.printf(
                "[KillRestartIT] seed %d, ports %d-%d, %d kills%n", seed, basePort, basePort + NODES - 1, KILLS);

        cli("init", "--data", data(0).toString(), "--network", "kill-test");
        start(0, null);
        for (int i = 1; i < NODES; i++) {
            String token =
                    cli("invite", "--data", data(0).toString(), "--ttl", "10m").trim();
            start(i, token);
        }
        Map<String, String> files = new LinkedHashMap<>();
        int kills = 0, sawPartial = 0, completeAtKill = 0;
        long t0 = System.nanoTime();
        while (kills < KILLS) {
            if (kills % 5 == 0) { // a new file every five kills keeps replication going
                String name = "kill/f" + kills + ".bin";
                Path src = dir.resolve("src-" + kills + ".bin");
                files.put(name, TestFiles.writeRandom(src, (48L + r.nextInt(48)) * TestFiles.MIB, seed + kills));
                int on = firstAlive();
                cli("add", "--data", data(on).toString(), src.toString(), "--as", name);
            }
            int victim = 1 + r.nextInt(NODES - 1); // a fetching node; every fifth kill hits node 0 too
            if (kills % 5 == 4) {
                victim = 0;
            }
            Thread.sleep(r.nextInt(1500));
            Process p = running[victim];
            p.destroyForcibly(); // SIGKILL
            assertThat(p.waitFor(10, TimeUnit.SECONDS)).isTrue();
            kills++;
            int present = checkShare(victim, files);
            completeAtKill += present;
            if (present < files.size()) {
                sawPartial++;
            }
            start(victim, null);
        }
        // the end: everyone holds everything, byte-identical
        await("every node holds every file with the right hash")
                .atMost(Duration.ofSeconds(180))
                .pollInterval(Duration.ofSeconds(1))
                .until(() -> {
                    for (int i = 0; i < NODES; i++) {
                        if (checkShare(i, files) < files.size()) {
                            return false;
                        }
                    }
                    return true;
                });
        for (int i = 0; i < NODES; i++) {
            assertThat(running[i].isAlive()).as("node %d alive at the end", i).isTrue();
            String log = Files.readString(dir.resolve("node" + i + ".log"));
            assertThat(log).as("node %d log", i).doesNotContain("Corruption").doesNotContain("RocksDBException");
        }
        System.out.printf(
                "[KillRestartIT] kills survived: %d in %.0f s (%d of them mid-replication on the killed node); files on disk "
                        + "checked at kill time: %d, wrong hash: 0; RocksDB reopened %d times; final: %d files x %d nodes byte-identical%n",
                kills, (System.nanoTime() - t0) / 1e9, sawPartial, completeAtKill, kills, files.size(), NODES);
    }

    private int firstAlive() {
        for (int i = 0; i < NODES; i++) {
            if (running[i] != null && running[i].isAlive()) {
                return i;
            }
        }
        throw new AssertionError("no node running");
    }
}

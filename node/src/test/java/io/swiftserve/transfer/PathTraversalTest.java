package io.swiftserve.transfer;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import io.swiftserve.admin.AdminClient;
import io.swiftserve.chain.Block;
import io.swiftserve.chain.Hash;
import io.swiftserve.chain.ImportResult;
import io.swiftserve.chain.InvalidException;
import io.swiftserve.chain.Transaction;
import io.swiftserve.chain.Transactions;
import io.swiftserve.cluster.InProcessCli;
import io.swiftserve.cluster.LogCapture;
import io.swiftserve.cluster.NodeFiles;
import io.swiftserve.cluster.TestCluster;
import io.swiftserve.daemon.Node;
import io.swiftserve.gossip.ChainGossip;
import io.swiftserve.proto.Envelope;
import io.swiftserve.proto.NewBlock;
import io.swiftserve.proto.NewTransaction;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * Ledger paths that try to leave the share directory are refused at {@code add} (CLI and admin
 * API) and, for a hand-built transaction from a member, by the pool and by block validation on
 * every node, so nothing is ever written outside {@code DIR/files}.
 */
@Timeout(value = 90, unit = TimeUnit.SECONDS)
class PathTraversalTest {
    /** What a user might type with {@code add --as}. */
    private static final List<String> USER_PATHS =
            List.of("../x", "/etc/passwd", "a/../../b", "a\u0000b", "..\\x", "..", "./x");

    private static final Path PASSWD = Path.of("/etc/passwd");

    @TempDir
    Path dir;

    private final Clock clock = Clock.systemUTC();
    private TestCluster cluster;
    private byte[] passwdBefore;

    @BeforeEach
    void twoNodes() throws IOException {
        passwdBefore = Files.isRegularFile(PASSWD) ? Files.readAllBytes(PASSWD) : null;
        cluster = TestCluster.converged(dir.resolve("cluster"), clock, 1);
    }

    @AfterEach
    void tearDown() throws IOException {
        cluster.close();
        byte[] now = Files.isRegularFile(PASSWD) ? Files.readAllBytes(PASSWD) : null;
        // only this test's own bytes there are its damage: a package installed meanwhile (a
        // benchmark's nginx) also rewrites /etc/passwd, and restoring an old copy would undo it
        if (passwdBefore != null && now != null && !Arrays.equals(passwdBefore, now) && containsPayload(now)) {
            Files.write(PASSWD, passwdBefore); // tests run as root here: undo the damage, then fail
            throw new AssertionError("/etc/passwd was modified by a path traversal");
        }
    }

    private static boolean containsPayload(byte[] file) {
        String text = new String(file, java.nio.charset.StandardCharsets.ISO_8859_1);
        return file.length == 0
                || text.contains("must not escape")
                || text.contains("\u0000\u0000\u0000\u0000\u0000\u0000\u0000\u0000");
    }

    @Test
    void addRefusesEveryPathThatLeavesTheShareDirectory() throws Exception {
        Path payload = dir.resolve("payload.txt");
        Files.writeString(payload, "must not escape\n");
        Node node = cluster.node(0);
        String data = cluster.dataDir(0).toString();
        AdminClient admin = new AdminClient(cluster.dataDir(0));
        byte[] big = new byte[4 << 20];
        Hash headBefore = node.chain().head().hash();

        for (String bad : USER_PATHS) {
            InProcessCli.Result cli = InProcessCli.run("add", "--data", data, payload.toString(), "--as", bad);
            assertThat(cli.exitCode())
                    .as("swiftserve add --as %s", printable(bad))
                    .isEqualTo(1);
            assertThat(cli.err()).as("message for %s", printable(bad)).contains("refusing path");

            // several MiB: the daemon must read the body it refuses, or the client loses the answer
            assertThatThrownBy(() -> admin.upload(
                            "/add",
                            Map.of("path", bad, "size", Integer.toString(big.length)),
                            big.length,
                            () -> new ByteArrayInputStream(big),
                            Duration.ofSeconds(30)))
                    .as("admin API add of %s", printable(bad))
                    .isInstanceOf(AdminClient.RequestException.class)
                    .hasMessageContaining("refusing path");
        }
        System.out.printf(
                "[PathTraversalTest] admin refused %d paths, e.g. %s%n",
                USER_PATHS.size(),
                InProcessCli.run("add", "--data", data, payload.toString(), "--as", "a/../../b")
                        .errLines());

        for (Node n : cluster.running()) {
            assertThat(n.chain().state().files()).isEmpty();
        }
        // nothing staged was left behind in the partial directory either
        assertThat(list(cluster.dataDir(0).resolve("partial"))).isEmpty();
        assertNothingOutsideTheShareDirectories();
        for (Node n : cluster.running()) {
            assertThat(n.chain().head().hash()).as("nothing was sealed").isEqualTo(headBefore);
        }
    }

    @Test
    void aHandBuiltFileAddWithATraversalPathIsRefusedByThePoolAndByEveryNodesBlockValidation() throws Exception {
        Node member = cluster.node(0);
        Node other = cluster.node(1);
        List<String> paths =
                new ArrayList<>(List.of("../x", "a/../../b", "a\u0000b", "..\\x", "..", "a/./b", "a//b", ""));
        // an absolute path inside the temp dir: if validation failed, this is where the file would land
        paths.add(dir.resolve("outside-absolute").toAbsolutePath().toString());
        Transactions txs = new Transactions(member.key(), member.chain().networkId(), clock);

        try (LogCapture gossipLog = LogCapture.of(ChainGossip.class)) {
            for (String bad : paths) {
                assertRefusedEverywhere(member, other, txs, bad, gossipLog);
            }
        }
        System.out.printf(
                "[PathTraversalTest] %d hand-built FileAdd transactions refused by the pool, by submit and by block import "
                        + "on both nodes, e.g. '%s'%n",
                paths.size(), reason(other, txs));

        for (Node n : cluster.running()) {
            assertThat(n.chain().state().files()).isEmpty();
            assertThat(n.pool().size()).isZero();
        }
        assertThat(dir.resolve("outside-absolute")).doesNotExist();
        assertNothingOutsideTheShareDirectories();
        // the network still works: a proper add after all this goes through
        Transaction fine = txs.fileAdd("inside/ok.bin", 0, ChunkLayout.MIN_CHUNK_SIZE, new byte[0], 1);
        member.gossip().submit(fine).get(10, TimeUnit.SECONDS);
        member.gossip().sealNow().get(10, TimeUnit.SECONDS);
        await("a valid empty file arrives")
                .atMost(Duration.ofSeconds(30))
                .until(() -> cluster.running().stream()
                        .allMatch(n -> Files.isRegularFile(NodeFiles.shared(n, "inside/ok.bin"))));
    }

    /** The pool, submit, block import on both nodes and the wire all refuse a FileAdd of {@code bad}. */
    private void assertRefusedEverywhere(Node member, Node other, Transactions txs, String bad, LogCapture gossipLog)
            throws Exception {
        // size 0: were it accepted, the empty file would be written at once, no transfer needed
        Transaction tx = txs.fileAdd(bad, 0, ChunkLayout.MIN_CHUNK_SIZE, new byte[0], 1);
        Hash headBefore = other.chain().head().hash();

        assertThatThrownBy(() -> member.pool().add(tx, true))
                .as("pool add of %s", printable(bad))
                .isInstanceOf(InvalidException.class);
        assertThatThrownBy(() -> member.gossip().submit(tx).get(10, TimeUnit.SECONDS))
                .as("submit of %s", printable(bad))
                .isInstanceOf(ExecutionException.class)
                .cause()
                .isInstanceOf(IllegalArgumentException.class);

        // a member seals it anyway (properly signed, on top of the head) and hands it to the others
        Block head = other.chain().head();
        Block block = Block.seal(
                member.key(),
                member.chain().networkId(),
                head.height() + 1,
                head.hash(),
                Math.max(clock.millis(), head.header().timestampMs()),
                List.of(tx));
        ImportResult direct = other.chain().importBlock(block);
        assertThat(direct.status())
                .as("import of a block adding %s: %s", printable(bad), direct.reason())
                .isEqualTo(ImportResult.Status.INVALID);
        assertThat(direct.reason()).isNotBlank();
        assertThat(member.chain().importBlock(block).status()).isEqualTo(ImportResult.Status.INVALID);

        member.network()
                .broadcast(
                        Envelope.newBuilder()
                                .setNewTransaction(NewTransaction.newBuilder().setTransaction(tx.toProto()))
                                .build(),
                        null);
        member.network()
                .broadcast(
                        Envelope.newBuilder()
                                .setNewBlock(NewBlock.newBuilder().setBlock(block.toProto()))
                                .build(),
                        null);
        // the other node did look at it (and said why it refused), and nothing of it stayed
        await("block adding " + printable(bad) + " rejected over the wire")
                .atMost(Duration.ofSeconds(10))
                .until(() -> !gossipLog
                        .containing("block rejected: #" + block.height() + " "
                                + block.hash().shortHex())
                        .isEmpty());
        await("block adding " + printable(bad) + " stays out")
                .during(Duration.ofMillis(200))
                .atMost(Duration.ofSeconds(10))
                .until(() -> other.chain().head().hash().equals(headBefore)
                        && !other.pool().contains(tx.id())
                        && !other.chain().contains(block.hash())
                        && other.chain().state().files().isEmpty());
    }

    private String reason(Node other, Transactions txs) {
        Block head = other.chain().head();
        Transaction tx = txs.fileAdd("a/../../b", 0, ChunkLayout.MIN_CHUNK_SIZE, new byte[0], 1);
        Node member = cluster.node(0);
        return other.chain()
                .importBlock(Block.seal(
                        member.key(),
                        member.chain().networkId(),
                        head.height() + 1,
                        head.hash(),
                        Math.max(clock.millis(), head.header().timestampMs()),
                        List.of(tx)))
                .reason();
    }

    /**
     * Every regular file under the temp dir is either a source file of this test or inside a node's
     * data dir, and the only thing in a node's data dir top level that a traversal from DIR/files
     * could have produced (x, b) does not exist.
     */
    private void assertNothingOutsideTheShareDirectories() throws IOException {
        Path clusterRoot = dir.resolve("cluster");
        for (int i = 0; i < cluster.size(); i++) {
            Path d = cluster.dataDir(i);
            assertThat(d.resolve("x")).doesNotExist();
            assertThat(d.resolve("b")).doesNotExist();
            assertThat(d.resolve("files").resolve("a")).doesNotExist();
            assertThat(list(d.resolve("files"))).as("share dir of node %d", i).isEmpty();
        }
        assertThat(clusterRoot.resolve("x")).doesNotExist();
        assertThat(clusterRoot.resolve("b")).doesNotExist();
        assertThat(dir.resolve("x")).doesNotExist();
        assertThat(dir.resolve("b")).doesNotExist();
        try (Stream<Path> all = Files.walk(dir)) {
            List<Path> stray = all.filter(Files::isRegularFile)
                    .filter(p -> !p.startsWith(clusterRoot)
                            && !p.getFileName().toString().equals("payload.txt"))
                    .toList();
            assertThat(stray).as("files written outside the nodes' data dirs").isEmpty();
        }
    }

    private static List<Path> list(Path d) throws IOException {
        if (!Files.isDirectory(d)) {
            return List.of();
        }
        try (Stream<Path> s = Files.list(d)) {
            return s.toList();
        }
    }

    private static String printable(String path) {
        return path.replace("\u0000", "\\0");
    }
}

package io.swiftserve.tools;

import static org.assertj.core.api.Assertions.assertThat;

import io.swiftserve.chain.Block;
import io.swiftserve.chain.Hash;
import io.swiftserve.cli.Main;
import io.swiftserve.cluster.InProcessCli;
import io.swiftserve.cluster.TestCluster;
import io.swiftserve.daemon.Node;
import io.swiftserve.daemon.NodeInit;
import io.swiftserve.identity.KeyFile;
import io.swiftserve.proto.Envelope;
import java.nio.file.Path;
import java.time.Clock;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code swiftserve proto call} against a live node in this JVM. Node 1 joins and is then stopped,
 * so its data dir holds a member key the node has no session with (one session per peer).
 */
@Timeout(value = 120, unit = TimeUnit.SECONDS)
class ProtoCallTest {
    @TempDir
    static Path dir;

    private static TestCluster cluster;
    private static Node node;
    private static String address;

    @BeforeAll
    static void memberAndStoppedMember() {
        cluster = TestCluster.converged(dir.resolve("cluster"), 1);
        node = cluster.node(0);
        cluster.stop(1);
        address = "127.0.0.1:" + node.port();
    }

    @AfterAll
    static void stop() {
        if (cluster != null) {
            cluster.close();
        }
    }

    @Test
    void withTheKeyOfAMemberGetBlocksIsAnsweredWithTheChain() throws Exception {
        InProcessCli.Result r = InProcessCli.run(
                "proto",
                "call",
                address,
                "--data",
                cluster.dataDir(1).toString(),
                "--timeout",
                "3s",
                "get_blocks { max_blocks: 10 }");
        assertThat(r.exitCode()).as("%s", r).isZero();
        assertThat(r.errLines()).as("%s", r).isEmpty();
        List<String> blocks =
                r.lines().stream().filter(l -> l.startsWith("blocks { ")).toList();
        assertThat(blocks).as("%s", r).hasSize(1);
        // the printed line is text format again: it parses back to genesis + the join block
        Envelope reply = Frames.parse(blocks.get(0));
        assertThat(reply.getBlocks().getBlocksCount()).isEqualTo(node.chain().height() + 1);
        assertThat(Block.fromProto(reply.getBlocks().getBlocks(0)).hash())
                .isEqualTo(node.chain().networkId());
        assertThat(Block.fromProto(reply.getBlocks().getBlocks(1)).hash())
                .isEqualTo(node.chain().head().hash());
        // what the node sends on every new session comes too, one line each
        assertThat(r.lines())
                .anyMatch(l ->
                        l.startsWith("chain_status { height: " + node.chain().height() + " "));
        assertThat(r.lines()).allMatch(l -> !l.contains("\n"));
    }

    @Test
    void networkIdCanBeGivenAndPingIsAnsweredInTheSession() {
        InProcessCli.Result r = InProcessCli.run(
                "proto",
                "call",
                address,
                "--data",
                cluster.dataDir(1).toString(),
                "--network-id",
                node.chain().networkId().toString(),
                "--timeout",
                "3s",
                "ping { nonce: 42 }");
        assertThat(r.exitCode()).as("%s", r).isZero();
        assertThat(r.lines()).contains("pong { nonce: 42 }");
    }

    @Test
    void withoutDataOnlyPingIsAnsweredAndOtherMessagesGetTheNodesError() {
        InProcessCli.Result ping =
                InProcessCli.run("proto", "call", address, "--timeout", "3s", "ping { nonce: 3 }", "ping { nonce: 4 }");
        assertThat(ping.exitCode()).as("%s", ping).isZero();
        assertThat(ping.lines()).containsExactly("pong { nonce: 3 }", "pong { nonce: 4 }");

        InProcessCli.Result blocks = InProcessCli.run("proto", "call", address, "--timeout", "2s", "get_blocks { }");
        assertThat(blocks.exitCode()).as("%s", blocks).isZero();
        assertThat(blocks.lines()).containsExactly("error { code: 6 message: \"GET_BLOCKS before the handshake\" }");
    }

    @Test
    void inCleartextATlsNodeAnswersPingAndRefusesTheHandshakeWithItsReason() {
        InProcessCli.Result ping = InProcessCli.run(
                "proto", "call", address, "--transport", "cleartext", "--timeout", "2s", "ping { nonce: 9 }");
        assertThat(ping.exitCode()).as("%s", ping).isZero();
        assertThat(ping.lines()).containsExactly("pong { nonce: 9 }");

        InProcessCli.Result hello = InProcessCli.run(
                "proto",
                "call",
                address,
                "--transport",
                "cleartext",
                "--data",
                cluster.dataDir(1).toString(),
                "--timeout",
                "2s",
                "get_blocks { }");
        assertThat(hello.exitCode()).as("%s", hello).isEqualTo(Main.FAILED);
        assertThat(hello.errLines()).as("%s", hello).hasSize(1);
        assertThat(hello.errLines().get(0)).contains("requires TLS").endsWith("(error 9)");
    }

    @Test
    void aKeyThatIsNotAMemberIsRefusedWithTheNodesReason() throws Exception {
        Path stranger = dir.resolve("stranger");
        KeyFile.create(stranger);
        InProcessCli.Result r = InProcessCli.run(
                "proto",
                "call",
                address,
                "--data",
                stranger.toString(),
                "--network-id",
                node.chain().networkId().toString(),
                "--timeout",
                "1s",
                "get_blocks { }");
        assertThat(r.exitCode()).as("%s", r).isEqualTo(Main.FAILED);
        assertThat(r.lines()).as("%s", r).isEmpty();
        assertThat(r.errLines()).as("%s", r).hasSize(1);
        assertThat(r.errLines().get(0))
                .startsWith("swiftserve: " + address + " refused the handshake: ")
                .contains("not a member")
                .endsWith("(error 5)");
    }

    @Test
    void aNodeOfAnotherNetworkIsRefusedWithTheNodesReason() throws Exception {
        Path other = dir.resolve("other");
        NodeInit.found(other, "elsewhere", Clock.systemUTC());
        InProcessCli.Result r = InProcessCli.run(
                "proto", "call", address, "--data", other.toString(), "--timeout", "1s", "get_blocks { }");
        assertThat(r.exitCode()).as("%s", r).isEqualTo(Main.FAILED);
        assertThat(r.errLines())
                .as("%s", r)
                .containsExactly(
                        "swiftserve: " + address + " refused the handshake: peer is on another network (error 3)");
    }

    @Test
    void missingKeyAndNoNodeListeningAreOneLineFailures() {
        InProcessCli.Result noKey = InProcessCli.run(
                "proto", "call", address, "--data", dir.resolve("nothing").toString(), "ping { }");
        assertThat(noKey.exitCode()).isEqualTo(Main.FAILED);
        assertThat(noKey.errLines()).hasSize(1);
        assertThat(noKey.errLines().get(0)).startsWith("swiftserve: no node key at ");

        InProcessCli.Result closed = InProcessCli.run("proto", "call", "127.0.0.1:1", "ping { }");
        assertThat(closed.exitCode()).isEqualTo(Main.FAILED);
        assertThat(closed.errLines()).containsExactly("swiftserve: cannot connect to 127.0.0.1:1: Connection refused");
    }

    @Test
    void theNetworkIdOfARunningNodeComesFromItsDaemonAndOfAStoppedOneFromItsStore() throws Exception {
        Hash expected = node.chain().networkId();
        assertThat(NetworkIds.of(cluster.dataDir(0))).isEqualTo(expected);
        assertThat(NetworkIds.of(cluster.dataDir(1))).isEqualTo(expected);
    }
}

package io.swiftserve.gossip;

import static org.assertj.core.api.Assertions.assertThat;

import com.google.protobuf.ByteString;
import io.swiftserve.chain.Block;
import io.swiftserve.chain.Hash;
import io.swiftserve.chain.Transactions;
import io.swiftserve.cluster.TestCluster;
import io.swiftserve.daemon.Node;
import io.swiftserve.hostile.RawPeer;
import io.swiftserve.identity.NodeKey;
import io.swiftserve.proto.BlockInv;
import io.swiftserve.proto.Envelope;
import io.swiftserve.proto.GetBlockData;
import io.swiftserve.proto.NewBlock;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * New blocks travel by announcement: a member hears the hash of a block it lacks, asks for it and
 * receives it once; only the sealer sends its new block whole. A raw client holding a member's key
 * plays the peer on one side of node 0.
 */
@Timeout(value = 120, unit = TimeUnit.SECONDS)
class BlockRelayTest {
    private static final Duration WAIT = Duration.ofSeconds(10);

    @Test
    void aBlockIsAnnouncedByHashAndSentOnlyWhenAsked(@TempDir Path dir) throws Exception {
        try (TestCluster cluster = TestCluster.converged(dir, 2)) {
            Node target = cluster.node(0);
            NodeKey member = cluster.node(2).key();
            cluster.stop(2);
            Hash net = target.chain().networkId();
            try (RawPeer peer = RawPeer.connect(target.port())) {
                assertThat(peer.handshake(member, net, null)).isNotNull();

                // a block sealed elsewhere reaches the raw member as a hash, not as a block
                Block sealed = cluster.sealFileAdd(cluster.node(1), "relayed.bin", 1);
                Envelope inv = peer.poll(
                        e -> e.hasBlockInv()
                                && e.getBlockInv()
                                        .getHashes(0)
                                        .equals(ByteString.copyFrom(
                                                sealed.hash().bytes())),
                        WAIT);
                assertThat(inv).as("BlockInv of the new block").isNotNull();
                assertThat(inv.getBlockInv().getHeight()).isEqualTo(sealed.height());
                assertThat(peer.received).noneMatch(Envelope::hasNewBlock);

                peer.send(Envelope.newBuilder()
                        .setGetBlockData(GetBlockData.newBuilder()
                                .addHashes(ByteString.copyFrom(sealed.hash().bytes())))
                        .build());
                Envelope sent = peer.poll(Envelope.BodyCase.NEW_BLOCK, WAIT);
                assertThat(sent).isNotNull();
                assertThat(Block.fromProto(sent.getNewBlock().getBlock()).hash())
                        .isEqualTo(sealed.hash());

                // the other direction: node 0 asks the announcer for a block it lacks, once, and adopts it
                Block head = target.chain().head();
                Block mine = Block.seal(
                        member,
                        net,
                        head.height() + 1,
                        head.hash(),
                        Math.max(System.currentTimeMillis(), head.header().timestampMs()),
                        List.of(new Transactions(member, net, Clock.systemUTC())
                                .fileAdd("announced.bin", 1000, 256 * 1024, new byte[32], 1)));
                Envelope announce = Envelope.newBuilder()
                        .setBlockInv(BlockInv.newBuilder()
                                .addHashes(ByteString.copyFrom(mine.hash().bytes()))
                                .setHeight(mine.height()))
                        .build();
                peer.received.clear();
                peer.send(announce);
                peer.send(announce);
                Envelope asked = peer.poll(Envelope.BodyCase.GET_BLOCK_DATA, WAIT);
                assertThat(asked).as("node 0 asks for the announced block").isNotNull();
                assertThat(asked.getGetBlockData().getHashesList())
                        .containsExactly(ByteString.copyFrom(mine.hash().bytes()));
                peer.send(Envelope.newBuilder()
                        .setNewBlock(NewBlock.newBuilder().setBlock(mine.toProto()))
                        .build());
                cluster.awaitSameHead();
                assertThat(cluster.node(1).chain().head().hash())
                        .as("relayed on to node 1")
                        .isEqualTo(mine.hash());
                assertThat(peer.received.stream()
                                .filter(Envelope::hasGetBlockData)
                                .count())
                        .as("the second announcement of the same block was not asked for again")
                        .isEqualTo(1);

                // a block node 0 seals itself comes whole: no peer can hold it yet
                peer.received.clear();
                Block own = cluster.sealFileAdd(target, "pushed.bin", 1);
                Envelope pushed = peer.poll(Envelope.BodyCase.NEW_BLOCK, WAIT);
                assertThat(pushed).as("the sealer's own block, sent whole").isNotNull();
                assertThat(Block.fromProto(pushed.getNewBlock().getBlock()).hash())
                        .isEqualTo(own.hash());
                assertThat(peer.received).noneMatch(Envelope::hasBlockInv);
            }
        }
    }
}

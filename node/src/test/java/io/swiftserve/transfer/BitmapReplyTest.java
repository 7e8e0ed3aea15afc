package io.swiftserve.transfer;

import static org.assertj.core.api.Assertions.assertThat;

import com.google.protobuf.ByteString;
import io.swiftserve.chain.Hash;
import io.swiftserve.cluster.NodeFiles;
import io.swiftserve.cluster.TestCluster;
import io.swiftserve.cluster.TestFiles;
import io.swiftserve.daemon.Node;
import io.swiftserve.hostile.RawPeer;
import io.swiftserve.identity.NodeKey;
import io.swiftserve.proto.Envelope;
import io.swiftserve.proto.HaveBitmap;
import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.TimeUnit;
import java.util.function.Predicate;
import org.junit.jupiter.api.AutoClose;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * A node that starts tracking a file version asks its peers for their bitmaps of it (HaveBitmap
 * with reply = true), because the bitmaps they sent earlier may have arrived before the version's
 * block and been dropped. Every peer that knows the version answers once; a plain bitmap gets no
 * answer, so two nodes never ping-pong.
 */
@Timeout(value = 90, unit = TimeUnit.SECONDS)
class BitmapReplyTest {
    @TempDir
    Path dir;

    @AutoClose
    private TestCluster cluster;

    @Test
    void aBitmapAskingForAReplyGetsTheHoldersBitmapAndAPlainOneDoesNot() throws Exception {
        cluster = TestCluster.converged(dir.resolve("cluster"), 1);
        Node seed = cluster.node(0);
        NodeKey memberKey = cluster.node(1).key();
        cluster.stop(1); // its key now drives a hand-made peer
        Path source = dir.resolve("r.bin");
        TestFiles.writeRandom(source, 3L * TestFiles.MIB + 5, 9);
        Hash id = NodeFiles.add(seed, "reply/r.bin", source);
        // the add answers once the block is sealed; the seed sets up its own copy just after, on its transfer thread
        NodeFiles.awaitComplete(java.util.List.of(seed), id, Duration.ofSeconds(30));
        int chunks = seed.chain().state().file("reply/r.bin").orElseThrow().chunkCount();
        Predicate<Envelope> bitmapOfIt =
                e -> e.hasHaveBitmap() && e.getHaveBitmap().getFileId().equals(ByteString.copyFrom(id.bytes()));

        try (RawPeer peer = RawPeer.connect(seed.port())) {
            assertThat(peer.handshake(memberKey, seed.chain().networkId(), null).hasAuth())
                    .isTrue();
            // a version the seed holds whole is named in the HaveComplete of the greeting, not given a bitmap
            Envelope onConnect = peer.poll(Envelope.BodyCase.HAVE_COMPLETE, Duration.ofSeconds(10));
            assertThat(onConnect)
                    .as("the complete versions a node names when a session comes up")
                    .isNotNull();
            assertThat(onConnect.getHaveComplete().getFileIdsList()).contains(ByteString.copyFrom(id.bytes()));
            assertThat(peer.received).noneMatch(bitmapOfIt);

            peer.send(bitmap(id, chunks, false));
            assertThat(peer.poll(bitmapOfIt, Duration.ofSeconds(1)))
                    .as("answer to a plain bitmap")
                    .isNull();

            peer.send(bitmap(id, chunks, true));
            Envelope answer = peer.poll(bitmapOfIt, Duration.ofSeconds(10));
            assertThat(answer).as("answer to a bitmap asking for one").isNotNull();
            assertThat(answer.getHaveBitmap().getReply())
                    .as("an answer never asks back")
                    .isFalse();
            ChunkBitmap held = ChunkBitmap.fromBytes(
                    chunks, answer.getHaveBitmap().getBitmap().toByteArray());
            assertThat(held.isComplete()).as("the seed holds every chunk").isTrue();
            assertThat(peer.closedByPeer()).isFalse();
        }
    }

    private static Envelope bitmap(Hash id, int chunks, boolean reply) {
        return Envelope.newBuilder()
                .setHaveBitmap(HaveBitmap.newBuilder()
                        .setFileId(ByteString.copyFrom(id.bytes()))
                        .setChunks(chunks)
                        .setBitmap(ByteString.copyFrom(new ChunkBitmap(chunks).toBytes()))
                        .setReply(reply))
                .build();
    }
}

package io.swiftserve.hostile;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.google.protobuf.ByteString;
import io.swiftserve.chain.Hash;
import io.swiftserve.chain.Manifest;
import io.swiftserve.chain.Transaction;
import io.swiftserve.chain.Transactions;
import io.swiftserve.cluster.LogCapture;
import io.swiftserve.cluster.TestCluster;
import io.swiftserve.cluster.TestFiles;
import io.swiftserve.daemon.Node;
import io.swiftserve.identity.NodeKey;
import io.swiftserve.proto.Envelope;
import io.swiftserve.proto.ManifestData;
import io.swiftserve.transfer.FileHasher;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * The chain names each version's manifest by its SHA-256; the manifest itself comes from whichever
 * member holds it. A member that answers with other bytes is disconnected, and the honest copy,
 * once a member holds it, is taken and opens the download.
 */
@Timeout(value = 120, unit = TimeUnit.SECONDS)
class ManifestLieTest {
    @Test
    void aMemberServingBytesOfAnotherHashIsDisconnectedAndTheRealManifestIsStillTaken(@TempDir Path dir)
            throws Exception {
        try (TestCluster cluster = TestCluster.converged(dir.resolve("cluster"), 2);
                LogCapture log = LogCapture.of("io.swiftserve.transfer.ManifestExchange")) {
            Node victim = cluster.node(0);
            Node publisher = cluster.node(1);
            NodeKey liar = cluster.node(2).key();
            cluster.stop(2);
            Hash net = victim.chain().networkId();
            byte[] content = TestFiles.randomBytes(3 * 256 * 1024 + 5, 7);
            Manifest real = Manifest.ofFile(content.length, 256 * 1024, hashes(content));
            // sealed by the publisher, which does not hold the manifest yet: the victim must ask around
            Transaction add =
                    new Transactions(publisher.key(), net, Clock.systemUTC()).fileAdd("lied-about.bin", real, 1);

            try (RawPeer peer = RawPeer.connect(victim.port())) {
                assertThat(peer.handshake(liar, net, null)).isNotNull();
                publisher.gossip().submit(add).get(10, TimeUnit.SECONDS);
                cluster.awaitSameHead();

                Envelope asked = peer.poll(Envelope.BodyCase.GET_MANIFEST, Duration.ofSeconds(20));
                assertThat(asked)
                        .as("the victim asks the raw member for the manifest")
                        .isNotNull();
                assertThat(asked.getGetManifest().getManifestHash())
                        .isEqualTo(ByteString.copyFrom(real.hash().bytes()));
                byte[] forged = Manifest.ofFile(content.length, 256 * 1024, new byte[4 * 32])
                        .bytes();
                peer.send(Envelope.newBuilder()
                        .setManifestData(ManifestData.newBuilder()
                                .setManifestHash(asked.getGetManifest().getManifestHash())
                                .setManifest(ByteString.copyFrom(forged)))
                        .build());
                assertThat(peer.awaitClosed(Duration.ofSeconds(10)))
                        .as("the liar is disconnected")
                        .isTrue();
                assertThat(log.has("it sent a manifest that is not the one the chain names"))
                        .isTrue();
                assertThat(victim.transfer().progress(add.id()))
                        .as("no download on a forged manifest")
                        .isEmpty();
            }

            publisher.transfer().manifests().put(real);
            await("the real manifest is taken from the publisher")
                    .atMost(Duration.ofSeconds(30))
                    .until(() -> victim.transfer().progress(add.id()).isPresent());
            assertThat(victim.transfer().manifests().get(real.hash())).isPresent();
        }
    }

    @Test
    void aForgedManifestPushedUnaskedDisconnectsItsSenderOnceTheChainNamesIt(@TempDir Path dir) throws Exception {
        try (TestCluster cluster = TestCluster.converged(dir.resolve("cluster"), 2);
                LogCapture log = LogCapture.of("io.swiftserve.transfer.ManifestExchange")) {
            Node victim = cluster.node(0);
            Node publisher = cluster.node(1);
            NodeKey liar = cluster.node(2).key();
            cluster.stop(2);
            Hash net = victim.chain().networkId();
            byte[] content = TestFiles.randomBytes(3 * 256 * 1024 + 9, 8);
            Manifest real = Manifest.ofFile(content.length, 256 * 1024, hashes(content));
            Transaction add =
                    new Transactions(publisher.key(), net, Clock.systemUTC()).fileAdd("pushed-lie.bin", real, 1);

            try (RawPeer peer = RawPeer.connect(victim.port())) {
                assertThat(peer.handshake(liar, net, null)).isNotNull();
                byte[] forged = Manifest.ofFile(content.length, 256 * 1024, new byte[4 * 32])
                        .bytes();
                peer.send(Envelope.newBuilder()
                        .setManifestData(ManifestData.newBuilder()
                                .setManifestHash(ByteString.copyFrom(real.hash().bytes()))
                                .setManifest(ByteString.copyFrom(forged)))
                        .build());
                // the victim's transfer thread answers in order: once this answer is back, the push was taken in
                peer.send(Envelope.newBuilder()
                        .setGetManifest(io.swiftserve.proto.GetManifest.newBuilder()
                                .setManifestHash(ByteString.copyFrom(new byte[32])))
                        .build());
                assertThat(peer.poll(Envelope.BodyCase.MANIFEST_DATA, Duration.ofSeconds(10)))
                        .isNotNull();

                publisher.gossip().submit(add).get(10, TimeUnit.SECONDS);
                cluster.awaitSameHead();
                assertThat(peer.awaitClosed(Duration.ofSeconds(20)))
                        .as("the liar is disconnected once its push is used")
                        .isTrue();
                assertThat(log.has("it sent a manifest that is not the one the chain names"))
                        .isTrue();
                assertThat(victim.transfer().progress(add.id()))
                        .as("no download on a forged manifest")
                        .isEmpty();
            }

            publisher.transfer().manifests().put(real);
            await("the real manifest is taken from the publisher")
                    .atMost(Duration.ofSeconds(30))
                    .until(() -> victim.transfer().progress(add.id()).isPresent());
        }
    }

    private static byte[] hashes(byte[] content) {
        int chunk = 256 * 1024;
        int chunks = (content.length + chunk - 1) / chunk;
        byte[] out = new byte[chunks * 32];
        for (int i = 0; i < chunks; i++) {
            int from = i * chunk;
            System.arraycopy(
                    FileHasher.hashChunk(
                            java.nio.ByteBuffer.wrap(content, from, Math.min(chunk, content.length - from))),
                    0,
                    out,
                    i * 32,
                    32);
        }
        return out;
    }
}

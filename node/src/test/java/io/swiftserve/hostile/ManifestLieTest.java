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
import io.swiftserve.proto.GetManifest;
import io.swiftserve.proto.ManifestData;
import io.swiftserve.transfer.FileHasher;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
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
    @TempDir
    Path dir;

    private TestCluster cluster;
    private LogCapture log;
    private Node victim;
    private Node publisher;
    /** A member's key for the raw peer; its node stays stopped. */
    private NodeKey liar;

    private Hash net;

    @BeforeEach
    void converge() {
        cluster = TestCluster.converged(dir.resolve("cluster"), 2);
        log = LogCapture.of("io.swiftserve.transfer.ManifestExchange");
        victim = cluster.node(0);
        publisher = cluster.node(1);
        liar = cluster.node(2).key();
        cluster.stop(2);
        net = victim.chain().networkId();
    }

    @AfterEach
    void close() {
        log.close();
        cluster.close();
    }

    @Test
    void aMemberServingBytesOfAnotherHashIsDisconnectedAndTheRealManifestIsStillTaken() throws Exception {
        Manifest real = manifestOf(3 * 256 * 1024 + 5, 7);
        // sealed by the publisher, which does not hold the manifest yet: the victim must ask around
        Transaction add = new Transactions(publisher.key(), net, Clock.systemUTC()).fileAdd("lied-about.bin", real, 1);

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
            peer.send(forgedAnswer(real));
            assertLiarDisconnected(peer, add);
        }
        awaitTakenFromThePublisher(real, add);
        assertThat(victim.transfer().manifests().get(real.hash())).isPresent();
    }

    @Test
    void aForgedManifestPushedUnaskedDisconnectsItsSenderOnceTheChainNamesIt() throws Exception {
        Manifest real = manifestOf(3 * 256 * 1024 + 9, 8);
        Transaction add = new Transactions(publisher.key(), net, Clock.systemUTC()).fileAdd("pushed-lie.bin", real, 1);

        try (RawPeer peer = RawPeer.connect(victim.port())) {
            assertThat(peer.handshake(liar, net, null)).isNotNull();
            peer.send(forgedAnswer(real));
            // the victim's transfer thread answers in order: once this answer is back, the push was taken in
            peer.send(Envelope.newBuilder()
                    .setGetManifest(GetManifest.newBuilder().setManifestHash(ByteString.copyFrom(new byte[32])))
                    .build());
            assertThat(peer.poll(Envelope.BodyCase.MANIFEST_DATA, Duration.ofSeconds(10)))
                    .isNotNull();

            publisher.gossip().submit(add).get(10, TimeUnit.SECONDS);
            cluster.awaitSameHead();
            assertLiarDisconnected(peer, add);
        }
        awaitTakenFromThePublisher(real, add);
    }

    private void assertLiarDisconnected(RawPeer peer, Transaction add) throws InterruptedException {
        assertThat(peer.awaitClosed(Duration.ofSeconds(20)))
                .as("the liar is disconnected")
                .isTrue();
        assertThat(log.has("it sent a manifest that is not the one the chain names"))
                .isTrue();
        assertThat(victim.transfer().progress(add.id()))
                .as("no download on a forged manifest")
                .isEmpty();
    }

    private void awaitTakenFromThePublisher(Manifest real, Transaction add) {
        publisher.transfer().manifests().put(real);
        await("the real manifest is taken from the publisher")
                .atMost(Duration.ofSeconds(30))
                .until(() -> victim.transfer().progress(add.id()).isPresent());
    }

    private static Manifest manifestOf(int size, long seed) {
        return Manifest.ofFile(size, 256 * 1024, hashes(TestFiles.randomBytes(size, seed)));
    }

    /** The bytes of a manifest of the same size and chunking, with other chunk hashes, under the real one's hash. */
    private static Envelope forgedAnswer(Manifest real) {
        byte[] forged =
                Manifest.ofFile(real.size(), 256 * 1024, new byte[4 * 32]).bytes();
        return Envelope.newBuilder()
                .setManifestData(ManifestData.newBuilder()
                        .setManifestHash(ByteString.copyFrom(real.hash().bytes()))
                        .setManifest(ByteString.copyFrom(forged)))
                .build();
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

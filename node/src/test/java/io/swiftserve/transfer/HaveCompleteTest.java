package io.swiftserve.transfer;

import static org.assertj.core.api.Assertions.assertThat;

import com.google.protobuf.ByteString;
import io.swiftserve.chain.Hash;
import io.swiftserve.cluster.NodeFiles;
import io.swiftserve.cluster.TestCluster;
import io.swiftserve.daemon.Node;
import io.swiftserve.hostile.RawPeer;
import io.swiftserve.proto.Envelope;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * On connect, the versions a node holds every chunk of travel as one list of ids, not one full
 * bitmap each; a version still downloading still gets its bitmap.
 */
@Timeout(value = 120, unit = TimeUnit.SECONDS)
class HaveCompleteTest {
    @Test
    void completeVersionsAreOneListOfIdsOnConnect(@TempDir Path dir) throws Exception {
        try (TestCluster cluster = TestCluster.converged(dir.resolve("cluster"), 2)) {
            Node node = cluster.node(0);
            Hash a = NodeFiles.add(node, "complete/a.bin", new byte[600_000]);
            Hash b = NodeFiles.add(node, "complete/b.bin", new byte[300_000]);
            NodeFiles.awaitComplete(cluster.running(), a, Duration.ofSeconds(30));
            NodeFiles.awaitComplete(cluster.running(), b, Duration.ofSeconds(30));
            var member = cluster.node(2).key();
            cluster.stop(2);
            try (RawPeer peer = RawPeer.connect(node.port())) {
                assertThat(peer.handshake(member, node.chain().networkId(), null))
                        .isNotNull();
                Envelope complete = peer.poll(Envelope.BodyCase.HAVE_COMPLETE, Duration.ofSeconds(10));
                assertThat(complete).as("HaveComplete on connect").isNotNull();
                assertThat(complete.getHaveComplete().getFileIdsList())
                        .containsExactlyInAnyOrderElementsOf(
                                List.of(ByteString.copyFrom(a.bytes()), ByteString.copyFrom(b.bytes())));
                // sent after every bitmap of the same greeting, on the same connection
                assertThat(peer.received).noneMatch(Envelope::hasHaveBitmap);
            }
        }
    }
}

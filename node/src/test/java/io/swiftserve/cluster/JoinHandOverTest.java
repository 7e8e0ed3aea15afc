package io.swiftserve.cluster;

import static org.assertj.core.api.Assertions.assertThat;

import io.swiftserve.daemon.Node;
import io.swiftserve.net.PeerSession;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A join's connection becomes the joiner's first member session: the inviter logs one "peer promoted
 * to member" line, and neither side logs the session going down and up again.
 */
class JoinHandOverTest {
    @TempDir
    Path root;

    @Test
    void theJoinSessionIsPromotedInPlaceWithOneLineAndNoPeerDown() throws Exception {
        try (LogCapture log = LogCapture.of("io.swiftserve");
                TestCluster cluster = new TestCluster(root)) {
            Node founder = cluster.found();
            Node joiner = cluster.join(1).get(0);
            cluster.awaitConverged();
            String founderId = founder.key().id().shortId();
            String joinerId = joiner.key().id().shortId();

            assertThat(log.containing("peer promoted to member: " + joinerId))
                    .singleElement()
                    .asString()
                    .contains("joined in block #1");
            assertThat(log.containing("peer down"))
                    .as("every line: %s", log.lines())
                    .isEmpty();
            assertThat(log.containing("peer up: " + joinerId))
                    .as("the inviter announces the joiner only as promoted")
                    .isEmpty();
            assertThat(log.containing("peer up: " + founderId))
                    .as("the joiner's one session with its inviter")
                    .hasSize(1);
            assertThat(log.containing("joiner connected: " + joinerId)).hasSize(1);

            // the same TCP connection on both ends: the joiner's local port is what the founder sees as remote
            List<PeerSession> ours = List.copyOf(joiner.network().sessions());
            assertThat(ours)
                    .singleElement()
                    .satisfies(s -> assertThat(s.isMember()).isTrue());
            int joinerPort = ((java.net.InetSocketAddress)
                            io.swiftserve.net.NetTestAccess.channel(ours.get(0)).localAddress())
                    .getPort();
            assertThat(founder.network().sessions())
                    .singleElement()
                    .satisfies(s -> assertThat(s.remoteAddress()).endsWith(":" + joinerPort));
        }
    }
}

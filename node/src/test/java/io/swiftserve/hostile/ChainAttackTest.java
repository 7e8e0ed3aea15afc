package io.swiftserve.hostile;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.google.protobuf.ByteString;
import io.swiftserve.chain.Block;
import io.swiftserve.chain.Hash;
import io.swiftserve.chain.InviteToken;
import io.swiftserve.chain.Transaction;
import io.swiftserve.chain.Transactions;
import io.swiftserve.cluster.LogCapture;
import io.swiftserve.cluster.TestCluster;
import io.swiftserve.daemon.Node;
import io.swiftserve.gossip.ChainGossip;
import io.swiftserve.identity.NodeKey;
import io.swiftserve.proto.Auth;
import io.swiftserve.proto.Envelope;
import io.swiftserve.proto.NewBlock;
import io.swiftserve.proto.NewTransaction;
import io.swiftserve.proto.SignedTransaction;
import io.swiftserve.proto.TransactionBody;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AutoClose;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * Chain attacks injected by a raw client holding a real member's key (a member session, so the
 * messages reach the chain code): every forged or invalid block and transaction is refused, the head
 * of every node stays where it was, and the node logs the reason.
 */
@Timeout(value = 150, unit = TimeUnit.SECONDS)
class ChainAttackTest {
    @TempDir
    Path dir;

    @AutoClose
    private TestCluster cluster;

    @Test
    void everyForgedOrInvalidBlockAndTransactionIsRefusedAndLogged() throws Exception {
        Clock clock = Clock.systemUTC();
        cluster = new TestCluster(dir.resolve("cluster"));
        Node target = cluster.found();
        cluster.join(2);
        String usedToken = cluster.invite(0, Duration.ofMinutes(10));
        Node revokedNode = cluster.joinWith(usedToken);
        cluster.awaitConverged();
        NodeKey attacker = cluster.node(2).key(); // a member whose node is stopped: the raw client uses its key
        NodeKey revoked = revokedNode.key();
        cluster.stop(3);
        cluster.stop(2);
        Hash net = target.chain().networkId();
        target.gossip()
                .submit(new Transactions(target.key(), net, clock).revoke(revoked.id()))
                .get(10, TimeUnit.SECONDS);
        target.gossip().sealNow().get(10, TimeUnit.SECONDS);
        cluster.awaitSameHead();
        assertThat(target.chain().state().isRevoked(revoked.id())).isTrue();

        NodeKey stranger = NodeKey.generate();
        Block head = target.chain().head();
        Hash headHash = head.hash();
        long now = clock.millis();
        Transactions byAttacker = new Transactions(attacker, net, clock);
        Transaction fine = byAttacker.fileAdd("ok/file.bin", 1000, 256 * 1024, new byte[32], 1);

        // a transaction whose body was changed after it was signed (path swapped, signature kept)
        TransactionBody tamperedBody = fine.body().toBuilder()
                .setFileAdd(fine.body().getFileAdd().toBuilder().setPath("evil/file.bin"))
                .build();
        SignedTransaction tamperedProto = SignedTransaction.newBuilder()
                .setBody(tamperedBody.toByteString())
                .setSignature(fine.toProto().getSignature())
                .build();
        Transaction tampered = Transaction.fromProto(tamperedProto);

        InviteToken expired = InviteToken.create(target.key(), net, Duration.ofSeconds(-60), List.of(), clock);
        NodeKey joiner = NodeKey.generate();
        Transaction expiredJoin = new Transactions(joiner, net, clock).join(expired);
        Transaction replayedJoin = new Transactions(joiner, net, clock).join(InviteToken.parse(usedToken));
        // a fresh invite, captured as the honest joiner used it, in a Join signed by another key
        InviteToken fresh = InviteToken.create(target.key(), net, Duration.ofMinutes(10), List.of(), clock);
        NodeKey thief = NodeKey.generate();
        Transaction stolenJoin = new Transactions(thief, net, clock).join(fresh.use(joiner.id()));

        Block wellFormed = Block.seal(attacker, net, head.height() + 1, headHash, now, List.of(fine));
        io.swiftserve.proto.Block forgedSig = wellFormed.toProto().toBuilder()
                .setSignature(flip(wellFormed.toProto().getSignature()))
                .build();
        // oversized: more than 3 MiB of transactions, still under the 4 MiB control-frame limit; a FileAdd
        // is small now (its chunk hashes are off the chain), so many with the longest paths allowed
        List<Transaction> big = new ArrayList<>();
        String longDir = "big/" + "d".repeat(1000) + "/";
        for (long bytes = 0; bytes < (3L << 20) + 65_536; ) {
            Transaction t = byAttacker.fileAdd(longDir + big.size(), 1000, 256 * 1024, new byte[32], 1);
            big.add(t);
            bytes += t.encodedSize();
        }
        Map<String, io.swiftserve.proto.Block> blocks = new LinkedHashMap<>();
        blocks.put("forged signature", forgedSig);
        blocks.put(
                "sealed by a stranger",
                Block.seal(stranger, net, head.height() + 1, headHash, now, List.of(fine))
                        .toProto());
        blocks.put(
                "sealed by a revoked member",
                Block.seal(revoked, net, head.height() + 1, headHash, now, List.of(fine))
                        .toProto());
        blocks.put(
                "wrong network id",
                Block.seal(attacker, Hash.sha256(new byte[] {1}), head.height() + 1, headHash, now, List.of(fine))
                        .toProto());
        blocks.put(
                "tampered transaction",
                Block.seal(attacker, net, head.height() + 1, headHash, now, List.of(tampered))
                        .toProto());
        blocks.put(
                "oversized block",
                Block.seal(attacker, net, head.height() + 1, headHash, now, big).toProto());
        blocks.put(
                "far in the future",
                Block.seal(attacker, net, head.height() + 1, headHash, now + 3_600_000, List.of(fine))
                        .toProto());
        blocks.put(
                "expired invite",
                Block.seal(attacker, net, head.height() + 1, headHash, now, List.of(expiredJoin))
                        .toProto());
        blocks.put(
                "replayed invite",
                Block.seal(attacker, net, head.height() + 1, headHash, now, List.of(replayedJoin))
                        .toProto());
        blocks.put(
                "stolen invite",
                Block.seal(attacker, net, head.height() + 1, headHash, now, List.of(stolenJoin))
                        .toProto());
        blocks.put(
                "wrong height",
                Block.seal(attacker, net, head.height() + 5, headHash, now, List.of(fine))
                        .toProto());
        Map<String, String> reasons = Map.ofEntries(
                Map.entry("forged signature", "signature"),
                Map.entry("sealed by a stranger", "is not a member"),
                Map.entry("sealed by a revoked member", "was revoked"),
                Map.entry("wrong network id", "another network"),
                Map.entry("tampered transaction", "signature"),
                Map.entry("oversized block", "bytes, over"),
                Map.entry("far in the future", "in the future"),
                Map.entry("expired invite", "invite expired"),
                Map.entry("replayed invite", "invite already used"),
                Map.entry(
                        "stolen invite",
                        "invite proof is not for key " + thief.id().shortId()),
                Map.entry("wrong height", "height"));

        int refused = 0;
        try (LogCapture log = LogCapture.debug(ChainGossip.class);
                RawPeer member = RawPeer.connect(target.port())) {
            assertThat(member.handshake(attacker, net, null).hasAuth())
                    .as("attacker holds a member session")
                    .isTrue();
            for (Map.Entry<String, io.swiftserve.proto.Block> attack : blocks.entrySet()) {
                int before = log.containing("rejected").size();
                member.send(Envelope.newBuilder()
                        .setNewBlock(NewBlock.newBuilder().setBlock(attack.getValue()))
                        .build());
                await(attack.getKey() + " logged")
                        .atMost(Duration.ofSeconds(10))
                        .pollInterval(Duration.ofMillis(20))
                        .until(() -> log.containing("rejected").size() > before);
                String line = log.containing("rejected").get(before);
                System.out.printf("[ChainAttackTest] %-26s -> %s%n", attack.getKey(), line);
                assertThat(line).as(attack.getKey()).contains(reasons.get(attack.getKey()));
                assertThat(target.chain().head().hash())
                        .as("head after %s", attack.getKey())
                        .isEqualTo(headHash);
                refused++;
            }
            // transactions: refused from the pool with a reason (logged at debug), never relayed or sealed
            Map<String, Transaction> txs = new LinkedHashMap<>();
            txs.put("tampered transaction", tampered);
            txs.put("expired invite (join)", expiredJoin);
            txs.put("replayed invite (join)", replayedJoin);
            txs.put("stolen invite (join)", stolenJoin);
            txs.put(
                    "transaction for another network",
                    new Transactions(attacker, Hash.sha256(new byte[] {2}), clock)
                            .fileAdd("x/y", 10, 256 * 1024, new byte[32], 1));
            for (Map.Entry<String, Transaction> t : txs.entrySet()) {
                int before = log.containing("refused").size();
                member.send(Envelope.newBuilder()
                        .setNewTransaction(NewTransaction.newBuilder()
                                .setTransaction(t.getValue().toProto()))
                        .build());
                await(t.getKey() + " logged")
                        .atMost(Duration.ofSeconds(10))
                        .pollInterval(Duration.ofMillis(20))
                        .until(() -> log.containing("refused").size() > before);
                System.out.printf(
                        "[ChainAttackTest] %-26s -> %s%n",
                        t.getKey(), log.containing("refused").get(before));
                assertThat(target.pool().contains(t.getValue().id()))
                        .as("%s pooled", t.getKey())
                        .isFalse();
                refused++;
            }
        }
        // nothing was relayed or sealed anywhere: two seconds later every node is still at the same head
        await().during(Duration.ofSeconds(2))
                .atMost(Duration.ofSeconds(10))
                .until(() -> cluster.running().stream()
                        .allMatch(n -> n.chain().head().hash().equals(headHash)));
        // invites at the handshake: replayed, expired, stolen (used by another key), an old clear-text token
        int handshakeRefusals = 0;
        NodeKey any = NodeKey.generate();
        Map<String, Auth> auths = new LinkedHashMap<>();
        auths.put(
                "replayed invite",
                Auth.newBuilder()
                        .setInvite(InviteToken.parse(usedToken).use(any.id()).toProto())
                        .build());
        auths.put(
                "expired invite",
                Auth.newBuilder().setInvite(expired.use(any.id()).toProto()).build());
        auths.put(
                "stolen invite",
                Auth.newBuilder().setInvite(fresh.use(joiner.id()).toProto()).build());
        auths.put(
                "clear-text token (ssinv1)",
                Auth.newBuilder().setInviteToken("ssinv1.AAAA.AAAA").build());
        for (Map.Entry<String, Auth> t : auths.entrySet()) {
            try (RawPeer p = RawPeer.connect(target.port())) {
                Envelope answer = p.handshakeReplaying(any, net, t.getValue());
                assertThat(answer).isNotNull();
                assertThat(answer.hasError())
                        .as("%s admitted: %s", t.getKey(), answer)
                        .isTrue();
                System.out.printf(
                        "[ChainAttackTest] %-26s at the handshake -> ErrorReply %d: %s%n",
                        t.getKey(),
                        answer.getError().getCode(),
                        answer.getError().getMessage());
                assertThat(p.awaitClosed(Duration.ofSeconds(5))).isTrue();
                handshakeRefusals++;
            }
        }
        System.out.printf(
                "[ChainAttackTest] attacks refused: %d of %d (blocks %d, transactions %d, invites at the handshake %d); head unchanged on %d nodes%n",
                refused + handshakeRefusals,
                blocks.size() + 5 + auths.size(),
                blocks.size(),
                5,
                handshakeRefusals,
                cluster.running().size());
    }

    private static ByteString flip(ByteString b) {
        byte[] x = b.toByteArray();
        x[7] ^= 1;
        return ByteString.copyFrom(x);
    }
}

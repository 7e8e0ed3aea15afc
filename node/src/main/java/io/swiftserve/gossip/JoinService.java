package io.swiftserve.gossip;

import io.swiftserve.chain.InvalidException;
import io.swiftserve.chain.InviteUse;
import io.swiftserve.chain.SignedInvite;
import io.swiftserve.chain.Transaction;
import io.swiftserve.identity.NodeId;
import io.swiftserve.net.MessageRouter;
import io.swiftserve.net.NetAddresses;
import io.swiftserve.net.PeerSession;
import io.swiftserve.proto.Envelope;
import io.swiftserve.proto.JoinResult;
import io.swiftserve.proto.TransactionBody;
import io.swiftserve.util.Ambient;
import io.swiftserve.util.Cidr;
import io.swiftserve.util.LogText;
import java.net.InetAddress;
import java.net.UnknownHostException;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.stream.Collectors;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The member side of a join: a joiner's signed Join transaction is pooled and sealed at once (or,
 * when its invite asks for approval, held until an operator approves); when its block is on the
 * chain the joiner's connection is promoted to a full member session, the same connection the
 * joiner then keeps as its member session.
 */
public final class JoinService {
    private static final Logger log = LoggerFactory.getLogger(JoinService.class);

    private final ChainGossip gossip;
    private final PendingJoins pending = new PendingJoins();

    public JoinService(ChainGossip gossip) {
        this.gossip = gossip;
    }

    public void register(MessageRouter router) {
        router.on(Envelope.BodyCase.JOIN_REQUEST, this::onJoinRequest);
    }

    public PendingJoins pending() {
        return pending;
    }

    private void onJoinRequest(PeerSession from, Envelope msg) {
        Transaction tx;
        SignedInvite invite;
        try {
            tx = Transaction.fromProto(msg.getJoinRequest().getTransaction());
            InvalidException.check(tx.kind() == TransactionBody.KindCase.JOIN, "not a join transaction");
            InvalidException.check(tx.signer().equals(from.peer()), "join signed by another key");
            invite = InviteUse.fromProto(tx.body().getJoin()).invite();
            checkSource(invite.cidrs(), from.remoteAddress());
        } catch (InvalidException e) {
            refuse(from, e.getMessage());
            return;
        }
        if (!invite.needsApproval()) {
            seal(tx, from);
            return;
        }
        PendingJoins.Pending p = new PendingJoins.Pending(tx, from, invite.inviter(), Ambient.currentTimeMillis());
        if (!pending.hold(p)) {
            refuse(from, "too many joins wait for approval on this member (" + PendingJoins.MAX + ")");
            return;
        }
        from.onClose(() -> pending.drop(tx.signer(), from));
        log.info(
                "join of {} from {} waits for approval: 'swiftserve pending' lists it, 'swiftserve approve {}' admits it",
                tx.signer().shortId(),
                LogText.escape(from.remoteAddress()),
                tx.signer().shortId());
        from.send(Envelope.newBuilder()
                .setJoinResult(JoinResult.newBuilder()
                        .setPending(true)
                        .setReason("waiting for an operator's approval on the inviting member"))
                .build());
    }

    /**
     * Admits a held join: pools and seals it like any other. Completes with the block height, or
     * exceptionally with the chain's reason (an invite that expired or was used up meanwhile).
     */
    public CompletableFuture<Long> approve(NodeId joiner) {
        Optional<PendingJoins.Pending> p = pending.take(joiner);
        if (p.isEmpty()) {
            return CompletableFuture.failedFuture(
                    new IllegalStateException("no join of " + joiner.shortId() + " waits"));
        }
        log.info("join of {} approved by the operator", joiner.shortId());
        return seal(p.get().join(), p.get().session());
    }

    /** Refuses a held join; false when none of that key waits. */
    public boolean deny(NodeId joiner) {
        Optional<PendingJoins.Pending> p = pending.take(joiner);
        p.ifPresent(held -> refuse(held.session(), "an operator of the member refused the join"));
        return p.isPresent();
    }

    private CompletableFuture<Long> seal(Transaction tx, PeerSession from) {
        return gossip.submit(tx)
                .thenCompose(t -> gossip.sealNow())
                // the joiner downloads the chain next and must find itself on it
                .thenCompose(b -> gossip.whenSealed(tx.id(), ChainGossip.SEAL_WAIT))
                .whenComplete((height, error) -> {
                    if (error != null) {
                        refuse(from, rootMessage(error));
                        return;
                    }
                    // the one line of the hand-over is the network's "peer promoted to member"
                    from.promote("joined in block #" + height);
                    from.send(Envelope.newBuilder()
                            .setJoinResult(
                                    JoinResult.newBuilder().setAccepted(true).setHeight(height))
                            .build());
                });
    }

    /** The invite's address blocks against the connection's source (a literal: nothing is resolved). */
    static void checkSource(List<Cidr> blocks, String remote) throws InvalidException {
        if (blocks.isEmpty()) {
            return;
        }
        String host = "";
        byte[] address = null;
        try {
            host = NetAddresses.parse(remote).getHostString();
            if (Cidr.isLiteral(host)) {
                address = InetAddress.getByName(host).getAddress();
            }
        } catch (IllegalArgumentException | UnknownHostException e) {
            address = null;
        }
        InvalidException.check(
                address != null, "the invite allows only " + names(blocks) + " and this address is unknown");
        byte[] a = address;
        InvalidException.check(
                blocks.stream().anyMatch(b -> b.contains(a)),
                "this machine's address " + host + " is outside the invite's address blocks (" + names(blocks) + ")");
    }

    private static String names(List<Cidr> blocks) {
        return blocks.stream().map(Cidr::toString).collect(Collectors.joining(", "));
    }

    private void refuse(PeerSession from, String reason) {
        log.info("join refused for {}: {}", from.peer().shortId(), LogText.escape(reason));
        from.send(Envelope.newBuilder()
                        .setJoinResult(
                                JoinResult.newBuilder().setAccepted(false).setReason(reason))
                        .build())
                .whenComplete((sent, error) -> from.disconnect());
    }

    static String rootMessage(Throwable t) {
        Throwable c = t;
        while (c.getCause() != null) {
            c = c.getCause();
        }
        return Optional.ofNullable(c.getMessage()).orElse(c.toString());
    }
}

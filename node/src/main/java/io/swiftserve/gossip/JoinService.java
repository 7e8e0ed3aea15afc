package io.swiftserve.gossip;

import io.swiftserve.chain.InvalidException;
import io.swiftserve.chain.Transaction;
import io.swiftserve.net.MessageRouter;
import io.swiftserve.net.PeerSession;
import io.swiftserve.proto.Envelope;
import io.swiftserve.proto.JoinResult;
import io.swiftserve.proto.TransactionBody;
import io.swiftserve.util.LogText;
import java.util.Optional;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The member side of a join: a joiner's signed Join transaction is pooled and sealed at once; when
 * its block is on the chain the joiner's connection is promoted to a full member session, the same
 * connection the joiner then keeps as its member session.
 */
public final class JoinService {
    private static final Logger log = LoggerFactory.getLogger(JoinService.class);

    private final ChainGossip gossip;

    public JoinService(ChainGossip gossip) {
        this.gossip = gossip;
    }

    public void register(MessageRouter router) {
        router.on(Envelope.BodyCase.JOIN_REQUEST, this::onJoinRequest);
    }

    private void onJoinRequest(PeerSession from, Envelope msg) {
        Transaction tx;
        try {
            tx = Transaction.fromProto(msg.getJoinRequest().getTransaction());
            InvalidException.check(tx.kind() == TransactionBody.KindCase.JOIN, "not a join transaction");
            InvalidException.check(tx.signer().equals(from.peer()), "join signed by another key");
        } catch (InvalidException e) {
            refuse(from, e.getMessage());
            return;
        }
        gossip.submit(tx)
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

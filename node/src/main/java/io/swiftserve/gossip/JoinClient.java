package io.swiftserve.gossip;

import com.google.protobuf.ByteString;
import io.swiftserve.chain.Block;
import io.swiftserve.chain.Blockchain;
import io.swiftserve.chain.Hash;
import io.swiftserve.chain.ImportResult;
import io.swiftserve.chain.InvalidException;
import io.swiftserve.chain.InviteToken;
import io.swiftserve.chain.InviteUse;
import io.swiftserve.chain.Transactions;
import io.swiftserve.identity.NodeKey;
import io.swiftserve.net.Admission;
import io.swiftserve.net.HandshakePolicy;
import io.swiftserve.net.MessageRouter;
import io.swiftserve.net.NetAddresses;
import io.swiftserve.net.PeerNetwork;
import io.swiftserve.net.PeerSession;
import io.swiftserve.proto.Blocks;
import io.swiftserve.proto.Envelope;
import io.swiftserve.proto.GetBlocks;
import io.swiftserve.proto.Join;
import io.swiftserve.proto.JoinRequest;
import io.swiftserve.proto.JoinResult;
import io.swiftserve.store.KeyValueStore;
import java.time.Clock;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicBoolean;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A new node's first contact: connect to the inviter, prove the key and present the invite as used
 * by that key (never the token's secret half), send
 * a signed Join, wait until it is sealed, then download the chain from genesis and verify every
 * block. Afterwards the node starts like any member, on the same connection to the inviter.
 */
public final class JoinClient {
    private static final Logger log = LoggerFactory.getLogger(JoinClient.class);
    private static final long STEP_TIMEOUT_S = 30;

    private JoinClient() {}

    /**
     * What the node's network admits while it joins: the inviter, as a member; nobody else yet.
     */
    public static HandshakePolicy admitting(InviteToken invite) {
        return (peer, use) -> peer.equals(invite.inviter())
                ? Admission.member()
                : Admission.refused("this node is still joining; it admits only its inviter");
    }

    /**
     * Joins through {@code network} (the node's own, admitting as {@link #admitting} says) and returns
     * the synced chain; throws {@link JoinException} with a one-line reason. The session with the
     * inviter stays open: promoted on the inviter's side, it is this node's first member session.
     * {@code router} is the network's; the join's handlers are on it only while this runs.
     */
    public static Blockchain join(
            PeerNetwork network,
            MessageRouter router,
            NodeKey key,
            InviteToken invite,
            KeyValueStore store,
            Clock clock)
            throws JoinException {
        CompletableFuture<JoinResult> result = new CompletableFuture<>();
        LinkedBlockingQueue<Blocks> batches = new LinkedBlockingQueue<>();
        AtomicBoolean waitsForApproval = new AtomicBoolean();
        router.on(Envelope.BodyCase.JOIN_RESULT, (from, m) -> {
                    if (m.getJoinResult().getPending()) {
                        waitsForApproval.set(true);
                        log.info(
                                "join waits for an operator's approval: on the inviter, 'swiftserve pending' lists it"
                                        + " and 'swiftserve approve {}' admits this node",
                                key.id().shortId());
                    } else {
                        result.complete(m.getJoinResult());
                    }
                })
                .on(Envelope.BodyCase.BLOCKS, (from, m) -> batches.add(m.getBlocks()))
                .on(
                        Envelope.BodyCase.ERROR,
                        (from, m) -> result.completeExceptionally(new JoinException(
                                "the inviter refused: " + m.getError().getMessage())));
        try {
            // only the invite and the one-time key's proof for this key travel; the seed stays here
            InviteUse use = invite.use(key.id());
            PeerSession session = connect(network, invite, use.toProto());
            session.onClose(() -> result.completeExceptionally(new JoinException("the inviter closed the connection")));
            session.send(Envelope.newBuilder()
                    .setJoinRequest(JoinRequest.newBuilder()
                            .setTransaction(new Transactions(key, invite.networkId(), clock)
                                    .join(use)
                                    .toProto()))
                    .build());
            JoinResult joined = awaitAnswer(result, waitsForApproval);
            if (!joined.getAccepted()) {
                throw new JoinException("join refused: " + joined.getReason());
            }
            log.info("join sealed in block #{}; downloading the chain", joined.getHeight());
            Blockchain chain = download(session, batches, store, invite, clock);
            if (!chain.state().isMember(key.id())) {
                throw new JoinException("the downloaded chain does not list this node as a member");
            }
            return chain;
        } finally {
            router.off(Envelope.BodyCase.JOIN_RESULT)
                    .off(Envelope.BodyCase.BLOCKS)
                    .off(Envelope.BodyCase.ERROR);
        }
    }

    private static PeerSession connect(PeerNetwork network, InviteToken invite, Join use) throws JoinException {
        String last = "the invite lists no address";
        for (String address : invite.addresses()) {
            try {
                return network.connect(NetAddresses.parse(address), use).get(STEP_TIMEOUT_S, TimeUnit.SECONDS);
            } catch (ExecutionException e) {
                if (e.getCause() instanceof io.swiftserve.net.HandshakeRefusedException refused) {
                    throw new JoinException("the inviter refused: " + refused.getMessage());
                }
                last = address + ": " + e.getCause().getMessage();
            } catch (TimeoutException | IllegalArgumentException e) {
                last = address + ": " + (e.getCause() != null ? e.getCause().getMessage() : e.getMessage());
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new JoinException("interrupted");
            }
        }
        throw new JoinException("cannot reach the inviter (" + last + ")");
    }

    private static Blockchain download(
            PeerSession session,
            LinkedBlockingQueue<Blocks> batches,
            KeyValueStore store,
            InviteToken invite,
            Clock clock)
            throws JoinException {
        Blockchain chain = null;
        // from genesis; then each next batch is asked for as soon as one arrives (after its last
        // block), so sending the next batch overlaps verifying this one
        session.send(Envelope.newBuilder()
                .setGetBlocks(GetBlocks.newBuilder().setMaxBlocks(ChainSync.BATCH))
                .build());
        while (true) {
            Blocks batch;
            try {
                batch = batches.poll(STEP_TIMEOUT_S, TimeUnit.SECONDS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new JoinException("interrupted");
            }
            if (batch == null) {
                throw new JoinException("the inviter stopped sending blocks");
            }
            if (batch.getBlocksCount() == 0) {
                if (chain == null) {
                    throw new JoinException("the inviter sent no genesis block");
                }
                log.info("chain downloaded and verified: height {}", chain.height());
                return chain;
            }
            byte[] lastHeader =
                    batch.getBlocks(batch.getBlocksCount() - 1).getHeader().toByteArray();
            session.send(Envelope.newBuilder()
                    .setGetBlocks(GetBlocks.newBuilder()
                            .setMaxBlocks(ChainSync.BATCH)
                            .addLocator(
                                    ByteString.copyFrom(Hash.sha256(lastHeader).bytes())))
                    .build());
            for (io.swiftserve.proto.Block proto : batch.getBlocksList()) {
                try {
                    Block block = Block.fromProto(proto);
                    if (chain == null) {
                        InvalidException.check(
                                block.hash().equals(invite.networkId()), "genesis does not match the network id");
                        chain = Blockchain.initialize(store, block, clock);
                        continue;
                    }
                    ImportResult r = chain.importBlock(block);
                    InvalidException.check(
                            r.status() != ImportResult.Status.INVALID && r.status() != ImportResult.Status.ORPHAN,
                            "block " + block + ": " + r.reason() + " " + r.status());
                } catch (InvalidException e) {
                    throw new JoinException("invalid chain from the inviter: " + e.getMessage());
                }
            }
        }
    }

    /** The inviter's answer; once it said the join waits for approval, however long that takes. */
    private static JoinResult awaitAnswer(CompletableFuture<JoinResult> result, AtomicBoolean waitsForApproval)
            throws JoinException {
        while (true) {
            try {
                return await(result, "the inviter did not answer the join");
            } catch (JoinException e) {
                if (!waitsForApproval.get()
                        || result.isDone()
                        || Thread.currentThread().isInterrupted()) {
                    throw e;
                }
            }
        }
    }

    private static <T> T await(CompletableFuture<T> future, String what) throws JoinException {
        try {
            return future.get(STEP_TIMEOUT_S, TimeUnit.SECONDS);
        } catch (TimeoutException e) {
            throw new JoinException(what + " within " + STEP_TIMEOUT_S + " s");
        } catch (ExecutionException e) {
            throw e.getCause() instanceof JoinException j
                    ? j
                    : new JoinException(what + ": " + e.getCause().getMessage());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new JoinException("interrupted");
        }
    }

    /** A join that did not work; the message is the whole story. */
    public static final class JoinException extends Exception {
        public JoinException(String message) {
            super(message);
        }
    }
}

package io.swiftserve.chain;

import com.google.protobuf.ByteString;
import io.swiftserve.identity.NodeId;
import io.swiftserve.identity.NodeKey;
import io.swiftserve.proto.FileAdd;
import io.swiftserve.proto.FileDelete;
import io.swiftserve.proto.Genesis;
import io.swiftserve.proto.Leave;
import io.swiftserve.proto.Revoke;
import io.swiftserve.proto.TransactionBody;
import io.swiftserve.util.Ambient;
import java.security.SecureRandom;
import java.time.Clock;

/** Builds and signs the transactions a node submits. */
public final class Transactions {
    private static final SecureRandom RANDOM = new SecureRandom();

    private final NodeKey key;
    private final Hash networkId;
    private final Clock clock;

    public Transactions(NodeKey key, Hash networkId, Clock clock) {
        this.key = key;
        this.networkId = networkId;
        this.clock = clock;
    }

    public static Transaction genesis(NodeKey founder, String networkName, Clock clock) {
        return Transaction.sign(
                founder,
                base(founder, null, clock)
                        .setGenesis(Genesis.newBuilder().setNetworkName(networkName))
                        .build());
    }

    /** A join through {@code invite}, used by this node's key. */
    public Transaction join(InviteToken invite) {
        return join(invite.use(key.id()));
    }

    /** A join carrying {@code use} as it is (whoever's key it names). */
    public Transaction join(InviteUse use) {
        return sign(body().setJoin(use.toProto()));
    }

    public Transaction leave() {
        return sign(body().setLeave(Leave.getDefaultInstance()));
    }

    public Transaction revoke(NodeId member) {
        return sign(body().setRevoke(Revoke.newBuilder().setMember(ByteString.copyFrom(member.bytes()))));
    }

    /** Publishes version {@code version} of {@code path} as {@code manifest} describes it; the manifest stays off the chain. */
    public Transaction fileAdd(String path, Manifest manifest, long version) {
        return sign(body().setFileAdd(FileAdd.newBuilder()
                .setPath(path)
                .setSize(manifest.size())
                .setChunkSize(manifest.chunkSize())
                .setManifestHash(ByteString.copyFrom(manifest.hash().bytes()))
                .setChunkCount(manifest.isTree() ? manifest.chunkCount() : 0)
                .setVersion(version)));
    }

    /** As {@link #fileAdd(String, Manifest, long)} with the manifest of one file of these chunk hashes. */
    public Transaction fileAdd(String path, long size, int chunkSize, byte[] chunkHashes, long version) {
        return fileAdd(path, Manifest.ofFile(size, chunkSize, chunkHashes), version);
    }

    /** As {@link #fileAdd(String, Manifest, long)}, held only by members with ANY of {@code labels} and/or {@code replicas} of them. */
    public Transaction fileAdd(String path, Manifest manifest, long version, Placement.Target target) {
        return sign(body().setFileAdd(FileAdd.newBuilder()
                .setPath(path)
                .setSize(manifest.size())
                .setChunkSize(manifest.chunkSize())
                .setManifestHash(ByteString.copyFrom(manifest.hash().bytes()))
                .setVersion(version)
                .setChunkCount(manifest.isTree() ? manifest.chunkCount() : 0)
                .addAllToLabels(target.labels())
                .setReplicas(target.replicas())));
    }

    /** Adds and removes labels of {@code member}. */
    public Transaction label(NodeId member, java.util.List<String> add, java.util.List<String> remove) {
        return sign(body().setLabel(io.swiftserve.proto.Label.newBuilder()
                .setMember(ByteString.copyFrom(member.bytes()))
                .addAllAdd(add)
                .addAllRemove(remove)));
    }

    public Transaction fileDelete(String path) {
        return sign(body().setFileDelete(FileDelete.newBuilder().setPath(path)));
    }

    /** This node's record of what it holds of the ledger after block {@code block}, {@code files} in path order. */
    public Transaction holdings(Hash block, long height, Hash filesHash, HeldSet held) {
        return sign(body().setHoldings(io.swiftserve.proto.Holdings.newBuilder()
                .setBlock(ByteString.copyFrom(block.bytes()))
                .setHeight(height)
                .setFilesHash(ByteString.copyFrom(filesHash.bytes()))
                .addAllRuns(held.runs())));
    }

    private TransactionBody.Builder body() {
        return base(key, networkId, clock);
    }

    private Transaction sign(TransactionBody.Builder body) {
        return Transaction.sign(key, body.build());
    }

    private static TransactionBody.Builder base(NodeKey key, Hash networkId, Clock clock) {
        byte[] nonce = new byte[8];
        Ambient.random(RANDOM).nextBytes(nonce);
        TransactionBody.Builder b = TransactionBody.newBuilder()
                .setSigner(ByteString.copyFrom(key.id().bytes()))
                .setTimestampMs(clock.millis())
                .setNonce(ByteString.copyFrom(nonce));
        if (networkId != null) {
            b.setNetworkId(ByteString.copyFrom(networkId.bytes()));
        }
        return b;
    }
}

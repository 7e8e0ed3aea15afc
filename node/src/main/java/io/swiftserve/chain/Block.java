package io.swiftserve.chain;

import com.google.protobuf.ByteString;
import com.google.protobuf.InvalidProtocolBufferException;
import io.swiftserve.identity.NodeId;
import io.swiftserve.identity.NodeKey;
import io.swiftserve.identity.Signatures;
import io.swiftserve.proto.SignedTransaction;
import java.security.MessageDigest;
import java.util.ArrayList;
import java.util.List;

/**
 * A sealed block: verbatim header bytes, the sealer's signature over them, and the transactions.
 * The block hash is SHA-256 of the header bytes exactly as received.
 */
public final class Block {
    private final byte[] headerBytes;
    private final byte[] signature;
    private final BlockHeader header;
    private final List<Transaction> transactions;
    private final Hash hash;
    private volatile Boolean signatureValid;

    private Block(byte[] headerBytes, byte[] signature, BlockHeader header, List<Transaction> transactions) {
        this.headerBytes = headerBytes;
        this.signature = signature;
        this.header = header;
        this.transactions = List.copyOf(transactions);
        this.hash = Hash.sha256(headerBytes);
    }

    /** Seals {@code transactions} on top of a parent block. */
    public static Block seal(
            NodeKey sealer,
            Hash networkId,
            long height,
            Hash parentHash,
            long timestampMs,
            List<Transaction> transactions) {
        io.swiftserve.proto.BlockHeader.Builder h = io.swiftserve.proto.BlockHeader.newBuilder()
                .setHeight(height)
                .setParentHash(ByteString.copyFrom(parentHash.bytes()))
                .setTimestampMs(timestampMs)
                .setSealer(ByteString.copyFrom(sealer.id().bytes()))
                .setTxRoot(ByteString.copyFrom(txRoot(transactions).bytes()));
        if (networkId != null) {
            h.setNetworkId(ByteString.copyFrom(networkId.bytes()));
        }
        byte[] bytes = h.build().toByteArray();
        BlockHeader header =
                new BlockHeader(networkId, height, parentHash, timestampMs, sealer.id(), txRoot(transactions));
        return new Block(bytes, sealer.sign(Signatures.Domain.BLOCK, bytes), header, transactions);
    }

    /** Parses a block from the wire or the store; checks structure only (see {@link BlockValidator}). */
    public static Block fromProto(io.swiftserve.proto.Block proto) throws InvalidException {
        byte[] bytes = proto.getHeader().toByteArray();
        io.swiftserve.proto.BlockHeader h;
        try {
            h = io.swiftserve.proto.BlockHeader.parseFrom(bytes);
        } catch (InvalidProtocolBufferException e) {
            throw new InvalidException("block header is not decodable");
        }
        BlockHeader header;
        try {
            Hash networkId =
                    h.getNetworkId().isEmpty() ? null : Hash.of(h.getNetworkId().toByteArray());
            header = new BlockHeader(
                    networkId,
                    h.getHeight(),
                    Hash.of(h.getParentHash().toByteArray()),
                    h.getTimestampMs(),
                    NodeId.of(h.getSealer().toByteArray()),
                    Hash.of(h.getTxRoot().toByteArray()));
        } catch (IllegalArgumentException e) {
            throw new InvalidException("block header field malformed: " + e.getMessage());
        }
        List<Transaction> txs = new ArrayList<>(proto.getTransactionsCount());
        for (SignedTransaction tx : proto.getTransactionsList()) {
            txs.add(Transaction.fromProto(tx));
        }
        return new Block(bytes, proto.getSignature().toByteArray(), header, txs);
    }

    public static Block parse(byte[] bytes) throws InvalidException {
        try {
            return fromProto(io.swiftserve.proto.Block.parseFrom(bytes));
        } catch (InvalidProtocolBufferException e) {
            throw new InvalidException("block is not decodable");
        }
    }

    public io.swiftserve.proto.Block toProto() {
        io.swiftserve.proto.Block.Builder b = io.swiftserve.proto.Block.newBuilder()
                .setHeader(ByteString.copyFrom(headerBytes))
                .setSignature(ByteString.copyFrom(signature));
        transactions.forEach(tx -> b.addTransactions(tx.toProto()));
        return b.build();
    }

    /** SHA-256 over the concatenated transaction ids, in block order. */
    public static Hash txRoot(List<Transaction> transactions) {
        MessageDigest digest = io.swiftserve.identity.Sha256.newDigest();
        for (Transaction tx : transactions) {
            digest.update(tx.id().bytes());
        }
        return Hash.of(digest.digest());
    }

    /** Verified at most once per object, like {@link Transaction#signatureValid()}. */
    public boolean signatureValid() {
        Boolean valid = signatureValid;
        if (valid == null) {
            valid = Signatures.verify(header.sealer(), Signatures.Domain.BLOCK, headerBytes, signature);
            signatureValid = valid;
        }
        return valid;
    }

    public Hash hash() {
        return hash;
    }

    public BlockHeader header() {
        return header;
    }

    public long height() {
        return header.height();
    }

    public Hash parentHash() {
        return header.parentHash();
    }

    public List<Transaction> transactions() {
        return transactions;
    }

    @Override
    public String toString() {
        return "#" + header.height() + " " + hash.shortHex() + " (" + transactions.size() + " tx, sealer "
                + header.sealer().shortId() + ")";
    }
}

package io.swiftserve.chain;

import io.swiftserve.identity.NodeId;
import io.swiftserve.proto.FileAdd;
import io.swiftserve.proto.Join;
import io.swiftserve.proto.TransactionBody;

/**
 * Applies one transaction to a state, or says which rule it breaks. Pure: the same inputs always
 * give the same answer, on every node.
 */
public final class TransactionRules {
    public static final int MIN_CHUNK_SIZE = 128 << 10;
    public static final int MAX_CHUNK_SIZE = 16 << 20;
    public static final int MAX_CHUNKS = 1 << 16;
    /** A member's {@code Holdings} records are at least this far apart in block time: it bounds their chain bytes. */
    public static final long HOLDINGS_SPACING_MS = 3_600_000;

    public static final int MAX_REPLICAS = 1 << 16;

    private TransactionRules() {}

    /** A power of two from {@link #MIN_CHUNK_SIZE} to {@link #MAX_CHUNK_SIZE}. */
    public static boolean validChunkSize(int chunkSize) {
        return chunkSize >= MIN_CHUNK_SIZE && chunkSize <= MAX_CHUNK_SIZE && Integer.bitCount(chunkSize) == 1;
    }

    /** Checks {@code tx} against {@code state} and, if valid, applies it to the state's overlay. */
    public static void apply(Transaction tx, LedgerState state, BlockContext ctx) throws InvalidException {
        TransactionBody body = tx.body();
        InvalidException.check(tx.signatureValid(), "transaction " + tx.id().shortHex() + " signature invalid");
        InvalidException.check(
                !state.includes(tx.id()), "transaction " + tx.id().shortHex() + " already on the chain");
        if (tx.kind() == TransactionBody.KindCase.GENESIS) {
            InvalidException.check(ctx.height() == 0, "genesis transaction outside the genesis block");
            state.putMember(new Member(tx.signer(), 0, tx.signer(), 0));
            state.setNetworkName(body.getGenesis().getNetworkName());
            state.markIncluded(tx.id(), ctx.height());
            return;
        }
        InvalidException.check(
                body.getNetworkId()
                        .equals(com.google.protobuf.ByteString.copyFrom(
                                ctx.networkId().bytes())),
                "transaction " + tx.id().shortHex() + " is for another network");
        switch (tx.kind()) {
            case JOIN -> join(tx, body.getJoin(), state, ctx);
            case LEAVE -> leave(tx, state);
            case REVOKE -> revoke(tx, state, ctx);
            case FILE_ADD -> fileAdd(tx, body.getFileAdd(), state, ctx);
            case FILE_DELETE -> fileDelete(tx, state);
            case HOLDINGS -> holdings(tx, body.getHoldings(), state, ctx);
            case LABEL -> LabelRule.apply(tx, state);
            default -> throw new InvalidException("transaction kind " + tx.kind() + " not allowed here");
        }
        state.markIncluded(tx.id(), ctx.height());
    }

    private static void join(Transaction tx, Join join, LedgerState state, BlockContext ctx) throws InvalidException {
        // the proof names the signer: a Join carrying an invite used by another key is invalid
        InviteUse use = InviteUse.fromProto(join);
        use.verify(ctx.networkId(), tx.signer(), ctx.timestampMs());
        SignedInvite invite = use.invite();
        InvalidException.check(
                state.isMember(invite.inviter()), "inviter " + invite.inviter().shortId() + " is not a member");
        state.checkInviteLeft(invite);
        InvalidException.check(
                !state.isMember(tx.signer()), "joiner " + tx.signer().shortId() + " is already a member");
        InvalidException.check(
                !state.isRevoked(tx.signer()), "joiner " + tx.signer().shortId() + " was revoked");
        state.markInviteUsed(invite.id());
        state.putMember(new Member(tx.signer(), ctx.seniority(), invite.inviter(), ctx.height()));
    }

    private static void leave(Transaction tx, LedgerState state) throws InvalidException {
        requireMember(tx.signer(), state);
        InvalidException.check(state.members().size() > 1, "the last member cannot leave");
        state.removeMember(tx.signer());
        state.setLabels(tx.signer(), java.util.Set.of());
    }

    /** A member may revoke any member that joined after it; the founder cannot be revoked. */
    private static void revoke(Transaction tx, LedgerState state, BlockContext ctx) throws InvalidException {
        Member revoker = requireMember(tx.signer(), state);
        NodeId targetId;
        try {
            targetId = NodeId.of(tx.body().getRevoke().getMember().toByteArray());
        } catch (IllegalArgumentException e) {
            throw new InvalidException("revoke target is not a node key");
        }
        Member target = state.member(targetId)
                .orElseThrow(() -> new InvalidException("revoke target " + targetId.shortId() + " is not a member"));
        InvalidException.check(
                revoker.seniority() < target.seniority(),
                "member " + revoker.id().shortId() + " may not revoke " + targetId.shortId() + ", who joined earlier");
        state.removeMember(targetId);
        state.setLabels(targetId, java.util.Set.of());
        state.markRevoked(targetId, ctx.height());
    }

    private static void fileAdd(Transaction tx, FileAdd add, LedgerState state, BlockContext ctx)
            throws InvalidException {
        requireMember(tx.signer(), state);
        FilePaths.check(add.getPath());
        int chunkSize = add.getChunkSize();
        InvalidException.check(
                validChunkSize(chunkSize), "chunk size " + chunkSize + " is not a power of two in 128 KiB..16 MiB");
        long chunks = (add.getSize() + chunkSize - 1) / chunkSize;
        InvalidException.check(add.getSize() >= 0 && chunks <= MAX_CHUNKS, "file has too many chunks");
        long count = add.getChunkCount() == 0 ? chunks : Integer.toUnsignedLong(add.getChunkCount());
        InvalidException.check(
                count >= chunks
                        && count
                                <= Math.max(
                                        chunks,
                                        Math.min(4L * MAX_CHUNKS, TreeChunks.maxCount(add.getSize(), chunkSize))),
                "a chunk count of " + count + " cannot cut " + add.getSize() + " bytes in chunks of " + chunkSize);
        InvalidException.check(add.getManifestHash().size() == 32, "manifest hash is not 32 bytes");
        String path = add.getPath();
        for (int slash = path.indexOf('/'); slash > 0; slash = path.indexOf('/', slash + 1)) {
            InvalidException.check(
                    state.file(path.substring(0, slash)).isEmpty(),
                    "path " + path + " would be inside file " + path.substring(0, slash));
        }
        InvalidException.check(!state.hasFilesUnder(path), "path " + path + " is a directory of other files");
        Labels.check(add.getToLabelsList(), "placement of " + path);
        InvalidException.check(add.getReplicas() <= MAX_REPLICAS, "more than " + MAX_REPLICAS + " replicas");
        long current = state.file(add.getPath()).map(FileEntry::version).orElse(0L);
        InvalidException.check(
                add.getVersion() > current,
                "version " + add.getVersion() + " of " + add.getPath() + " is not newer than " + current);
        state.file(path).ifPresent(old -> state.deleteTarget(old.fileId()));
        state.setTarget(tx.id(), new Placement.Target(add.getToLabelsList(), add.getReplicas()));
        state.putFile(new FileEntry(
                add.getPath(),
                tx.id(),
                add.getVersion(),
                add.getSize(),
                chunkSize,
                Hash.of(add.getManifestHash().toByteArray()),
                tx.signer(),
                ctx.height(),
                (int) count));
    }

    private static void fileDelete(Transaction tx, LedgerState state) throws InvalidException {
        requireMember(tx.signer(), state);
        String path = tx.body().getFileDelete().getPath();
        FileEntry f = state.file(path).orElseThrow(() -> new InvalidException("no file " + path + " to delete"));
        state.deleteTarget(f.fileId());
        state.deleteFile(path);
    }

    /**
     * A member's record of what it holds: syntax and rate only. Whether the block and the file hash
     * it names match that block's ledger is the auditor's question, answered from the chain.
     */
    private static void holdings(Transaction tx, io.swiftserve.proto.Holdings h, LedgerState state, BlockContext ctx)
            throws InvalidException {
        requireMember(tx.signer(), state);
        InvalidException.check(
                h.getBlock().size() == 32 && h.getFilesHash().size() == 32,
                "holdings block or files hash is not 32 bytes");
        InvalidException.check(h.getHeight() < ctx.height(), "holdings of block " + h.getHeight() + ", not yet sealed");
        HeldSet.fromRuns(h.getRunsList());
        long last = state.lastHoldingsMs(tx.signer()).orElse(Long.MIN_VALUE);
        InvalidException.check(
                last == Long.MIN_VALUE || ctx.timestampMs() - last >= HOLDINGS_SPACING_MS,
                "member " + tx.signer().shortId() + " recorded its holdings less than an hour before");
        state.markHoldings(tx.signer(), ctx.timestampMs(), tx.id());
    }

    static Member requireMember(NodeId id, LedgerState state) throws InvalidException {
        return state.member(id).orElseThrow(() -> new InvalidException("signer " + id.shortId() + " is not a member"));
    }
}

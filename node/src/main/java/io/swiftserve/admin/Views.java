package io.swiftserve.admin;

import java.util.List;

/**
 * The JSON shapes of the admin API and of {@code --json} output. Field names are a stable contract
 * for scripts: add fields, never rename.
 */
public final class Views {
    private Views() {}

    public record Status(
            String nodeId,
            String networkId,
            String networkName,
            long height,
            String headHash,
            int members,
            int peersConnected,
            String listen,
            String statusUrl,
            List<FileStatus> files,
            List<PeerRate> peers,
            Transfer transfer,
            String transport,
            List<LocalFile> localFiles,
            Membership membership,
            FilePage filePage) {}

    /**
     * Which of the network's files {@code files} lists: from {@code offset}, at most {@code limit} of
     * {@code total}, by path. A node of 10,000 files would otherwise send 10,000 files times every
     * member's progress on every status call and scrape; the counts cover them all.
     */
    public record FilePage(int total, int offset, int limit, int complete) {}

    /**
     * This node's own standing: "member", "revoked" (with the block that revoked it) or "left". A
     * node that is not a member sends and receives nothing, and its files are not kept current.
     */
    public record Membership(String state, long sinceHeight) {}

    public record FileStatus(
            String path,
            long version,
            long size,
            int chunks,
            int have,
            String state,
            String fileId,
            List<PeerProgress> nodes,
            String localChange) {}

    /**
     * A file in the share directory that is not the network's: {@code kind} "added" (put there
     * locally) or "conflict" (a local edit kept aside). Reported, never deleted.
     */
    public record LocalFile(String path, String kind) {}

    public record PeerProgress(String nodeId, int have, boolean complete) {}

    public record PeerRate(
            String nodeId,
            String address,
            double upBytesPerSec,
            double downBytesPerSec,
            long bytesUp,
            long bytesDown) {}

    public record Transfer(
            long bytesUp,
            long bytesDown,
            long chunksVerified,
            long chunksFailed,
            int filesComplete,
            double upBytesPerSec,
            double downBytesPerSec,
            long chunksLocal,
            long bytesLocal) {}

    public record Peers(List<Peer> peers) {}

    public record Peer(
            String nodeId,
            boolean self,
            boolean connected,
            String direction,
            String address,
            List<String> advertised,
            long seniority,
            String invitedBy) {}

    public record Chain(long height, String headHash, List<BlockView> blocks) {}

    /** {@code bytes}: the block's encoded size, so the chain's growth per transaction can be read. */
    public record BlockView(
            long height,
            String hash,
            String parentHash,
            String sealer,
            long timestampMs,
            long bytes,
            List<TxView> transactions) {}

    /**
     * One transaction: {@code summary} for people, the other fields for scripts. {@code member} is
     * the key a join, leave or revoke is about; path, version and size belong to file transactions.
     */
    @com.fasterxml.jackson.annotation.JsonInclude(com.fasterxml.jackson.annotation.JsonInclude.Include.NON_NULL)
    public record TxView(
            String id,
            String kind,
            String signer,
            String summary,
            String member,
            String path,
            Long version,
            Long size) {}
}

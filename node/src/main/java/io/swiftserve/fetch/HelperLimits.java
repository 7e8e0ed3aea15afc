package io.swiftserve.fetch;

import io.swiftserve.chain.TransactionRules;
import io.swiftserve.identity.NodeId;
import io.swiftserve.transfer.ChunkLayout;
import io.swiftserve.util.Cidr;
import java.io.IOException;
import java.net.InetAddress;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Collection;
import java.util.List;

/**
 * What a helper accepts from a requester, checked before a task exists or grows: a file the ledger
 * could hold, cut the way {@code fetch} cuts it; indices inside it; a bounded queue per task; a
 * bounded number of tasks per requester and in all; queued bytes that fit the disk above a reserve;
 * and, for an address written in the URL, a target this node may reach ({@link FetchTargets}; a
 * name is checked when the worker resolves it, at every connection). Each check answers null (fine)
 * or a one-line reason for the requester's {@code FetchFailed}.
 */
final class HelperLimits {
    static final int MAX_TASKS = 16;
    static final int MAX_TASKS_PER_REQUESTER = 4;
    /** Assigned and not yet downloaded, per task: the requester hands out two ~1 MiB batches at a time. */
    static final long MAX_QUEUED_BYTES = 256L << 20;
    /** Disk kept free below the helper's queued chunks: at least this, or 5% of the file system. */
    static final long DISK_RESERVE = 1L << 30;

    private final Path partialDir;
    private final FetchTargets targets;

    HelperLimits(Path partialDir, FetchTargets targets) {
        this.partialDir = partialDir;
        this.targets = targets;
    }

    FetchTargets targets() {
        return targets;
    }

    /** The assignment's layout, or why it is not one a fetch would send. */
    Object layoutOrProblem(FetchInbound.Assignment m) {
        URI uri;
        try {
            uri = Origin.checkUrl(m.url());
        } catch (Origin.OriginException e) {
            return e.getMessage();
        }
        long size = m.size();
        if (size < 0 || size > (long) TransactionRules.MAX_CHUNKS * ChunkLayout.MAX_CHUNK_SIZE) {
            return "a file of " + Long.toUnsignedString(size) + " bytes has more chunks than the ledger's "
                    + TransactionRules.MAX_CHUNKS;
        }
        ChunkLayout layout = ChunkLayout.forSize(size);
        if (layout.chunkCount() > TransactionRules.MAX_CHUNKS) {
            return "a file of " + size + " bytes has more chunks than the ledger's " + TransactionRules.MAX_CHUNKS;
        }
        if (m.chunkSize() != layout.chunkSize()) {
            return "chunks of " + Integer.toUnsignedString(m.chunkSize()) + " bytes are not the layout fetch uses for "
                    + size + " bytes (" + layout.chunkSize() + ")";
        }
        String literal = literalRefusal(uri.getHost());
        return literal != null ? literal : layout;
    }

    /** Why {@code indices} cannot be queued on a task that already queues {@code queued} chunks, or null. */
    String indicesProblem(ChunkLayout layout, List<Integer> indices, int queued, long queuedBytesAllTasks) {
        for (int i : indices) {
            if (i < 0 || i >= layout.chunkCount()) {
                return "chunk index " + Integer.toUnsignedString(i) + " is outside the file's " + layout.chunkCount()
                        + " chunks";
            }
        }
        long bytes = (long) (queued + indices.size()) * layout.chunkSize();
        if (bytes > MAX_QUEUED_BYTES) {
            return "the queue would hold " + (queued + indices.size()) + " chunks (" + (bytes >> 20)
                    + " MiB); a helper queues at most " + (MAX_QUEUED_BYTES >> 20) + " MiB per fetch";
        }
        long adding = (long) indices.size() * layout.chunkSize();
        try {
            var store = Files.getFileStore(partialDir);
            long reserve = Math.max(DISK_RESERVE, store.getTotalSpace() / 20);
            if (queuedBytesAllTasks + adding > store.getUsableSpace() - reserve) {
                return "not enough disk: " + ((queuedBytesAllTasks + adding) >> 20)
                        + " MiB queued would leave less than " + (reserve >> 20) + " MiB free";
            }
        } catch (IOException e) {
            return "cannot check the free disk space: " + Origin.oneLine(e);
        }
        return null;
    }

    /** Why {@code requester} may not start one more task, given the tasks running, or null. */
    static String taskProblem(NodeId requester, Collection<HelperTask> running) {
        if (running.size() >= MAX_TASKS) {
            return "busy: already running " + running.size() + " fetch tasks (at most " + MAX_TASKS + ")";
        }
        long mine = running.stream()
                .filter(t -> t.requester.peer().equals(requester))
                .count();
        if (mine >= MAX_TASKS_PER_REQUESTER) {
            return "busy: already running " + mine + " fetch tasks for this member (at most " + MAX_TASKS_PER_REQUESTER
                    + ")";
        }
        return null;
    }

    /** An address written in the URL is checked at once, without DNS; a name waits for the worker's lookup. */
    private String literalRefusal(String host) {
        String bare = host.startsWith("[") && host.endsWith("]") ? host.substring(1, host.length() - 1) : host;
        if (!Cidr.isLiteral(bare)) {
            return null;
        }
        try {
            return targets.refusal(InetAddress.getByName(bare));
        } catch (IOException e) {
            return null; // not a literal after all: the worker's lookup decides
        }
    }
}

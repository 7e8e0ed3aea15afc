package io.swiftserve.cli;

import com.fasterxml.jackson.databind.JsonNode;

/**
 * How far {@code add --wait} is, counted in bytes still to copy when the wait began: the seed's
 * copy (and whatever members already held) is the baseline, so the bar starts at 0 % instead of
 * at 1/members. Members that join meanwhile raise the total.
 */
final class ReplicationProgress {
    private long baseline = -1;
    private long held;
    private long wanted;
    private int members;
    private int complete;

    /** Takes one entry of {@code GET /files}. */
    void observe(JsonNode file) {
        long size = file.path("size").asLong();
        long chunks = Math.max(1, file.path("chunks").asLong());
        long haveChunks = 0;
        members = file.path("nodes").size();
        complete = 0;
        for (JsonNode n : file.path("nodes")) {
            haveChunks += Math.min(chunks, n.path("have").asLong());
            complete += n.path("complete").asBoolean() ? 1 : 0;
        }
        // the last chunk is short; bytes per chunk on average keeps the rate in bytes honest enough
        held = Math.round((double) haveChunks * size / chunks);
        wanted = size * members;
        if (baseline < 0) {
            baseline = held;
        }
    }

    /** Bytes copied since the wait began. */
    long done() {
        return Math.max(0, held - baseline);
    }

    /** Bytes there were to copy when the wait began, plus those for members that joined since. */
    long total() {
        return Math.max(done(), wanted - baseline);
    }

    int members() {
        return members;
    }

    int complete() {
        return complete;
    }

    boolean finished() {
        return members > 0 && complete == members;
    }
}

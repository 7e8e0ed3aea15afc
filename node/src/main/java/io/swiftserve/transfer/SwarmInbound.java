package io.swiftserve.transfer;

import io.swiftserve.chain.Hash;
import java.util.List;

/**
 * What peers tell the swarm, as {@link SwarmMessages} decodes it: plain values, so the swarm's
 * handlers never see the wire's generated types. A file id that is not 32 bytes never gets here,
 * except in a chunk request, whose refusal echoes it.
 */
final class SwarmInbound {
    private SwarmInbound() {}

    /** A peer's bitmap of one version; {@code holds} is its true count when it super-seeds (else 0). */
    record Bitmap(Hash fileId, int chunks, byte[] bits, boolean reply, int holds) {}

    /** Chunks a peer announces it now holds. */
    record Have(Hash fileId, List<Integer> indices) {}

    /** A peer refused to send a chunk we asked for. */
    record Refusal(Hash fileId, int index, String reason) {}

    /** A chunk a peer asks for or no longer wants; {@code fileId} as sent, whatever its length. */
    record ChunkAsk(byte[] fileId, int index) {}

    /** Versions a peer holds every chunk of (sent on connect). */
    record Complete(List<Hash> fileIds) {}

    /** A manifest a peer sent: {@code bytes} empty when it does not hold it. Checked against the hash by the receiver. */
    record ManifestReply(Hash manifest, byte[] bytes) {}
}

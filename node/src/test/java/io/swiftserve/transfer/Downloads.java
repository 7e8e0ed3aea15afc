package io.swiftserve.transfer;

import io.swiftserve.chain.Hash;
import io.swiftserve.daemon.Node;
import io.swiftserve.identity.NodeId;
import java.lang.reflect.Field;
import java.util.Map;
import java.util.Set;

/**
 * A node's {@link Download}s, for tests: their verified-chunk bitmap and banned peers are
 * package-private and no public API exposes them, so this one helper lives in the transfer package
 * (the rest of the test support is in {@code io.swiftserve.cluster}).
 */
public final class Downloads {
    private Downloads() {}

    /** This node's download (or held copy) of one file version, or null. */
    static Download of(Node node, Hash fileId) {
        return all(node.transfer()).get(fileId);
    }

    /** The peers {@code node} dropped from the swarm of {@code fileId}; empty when it has no such download. */
    public static Set<NodeId> banned(Node node, Hash fileId) {
        Download d = of(node, fileId);
        return d == null ? Set.of() : d.banned();
    }

    @SuppressWarnings("unchecked")
    private static Map<Hash, Download> all(TransferService transfer) {
        try {
            Field f = TransferService.class.getDeclaredField("files");
            f.setAccessible(true);
            return (Map<Hash, Download>) f.get(transfer);
        } catch (ReflectiveOperationException e) {
            throw new AssertionError(
                    "TransferService no longer keeps its downloads in a field 'files'; update Downloads", e);
        }
    }
}

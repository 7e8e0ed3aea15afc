package io.swiftserve.hostile;

import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import io.swiftserve.admin.AdminClient;
import io.swiftserve.chain.FileEntry;
import io.swiftserve.chain.Hash;
import io.swiftserve.cluster.TestFiles;
import io.swiftserve.daemon.Node;
import io.swiftserve.identity.NodeId;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.lang.reflect.Field;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Set;

/** Shared by the hostile and fault tests: files in and out of nodes, and a look at a download's banned peers. */
public final class Fixtures {
    public static final int MIB = 1 << 20;

    private Fixtures() {
    }

    public static String writeRandom(Path file, long size, long seed) throws IOException {
        return TestFiles.writeRandom(file, size, seed);
    }

    public static String sha256(Path file) {
        return TestFiles.sha256(file);
    }

    /** {@code swiftserve add} through the node's admin channel; returns the new file id. */
    public static Hash add(Node node, String path, Path source) throws Exception {
        long size = Files.size(source);
        JsonNode answer = new AdminClient(node.config().dataDir()).upload("/add", Map.of("path", path, "size", Long.toString(size)), size,
                () -> {
                    try {
                        return Files.newInputStream(source);
                    } catch (IOException e) {
                        throw new UncheckedIOException(e);
                    }
                }, Duration.ofSeconds(60));
        return Hash.parse(answer.path("fileId").asText());
    }

    public static Hash awaitLedgerEntry(Node node, String path, Duration atMost) {
        return await(path + " in the ledger").atMost(atMost).pollInterval(Duration.ofMillis(5))
                .until(() -> node.chain().state().file(path).map(FileEntry::fileId).orElse(null), java.util.Objects::nonNull);
    }

    public static String state(Node node, Hash fileId) {
        return node.transfer().progress(fileId).map(p -> p.state()).orElse("absent");
    }

    public static int have(Node node, Hash fileId) {
        return node.transfer().progress(fileId).map(p -> p.have()).orElse(0);
    }

    public static boolean isComplete(Node node, Hash fileId) {
        return state(node, fileId).equals("complete");
    }

    public static void awaitComplete(List<Node> nodes, Hash fileId, Duration atMost) {
        await("file " + fileId.shortHex() + " complete on " + nodes.size() + " nodes").atMost(atMost)
                .pollInterval(Duration.ofMillis(50)).until(() -> nodes.stream().allMatch(n -> isComplete(n, fileId)));
    }

    public static Path shared(Node node, String path) {
        return node.config().dataDir().resolve("files").resolve(path);
    }

    /** The peers {@code node} dropped from the swarm of {@code fileId} (package-private state, read by reflection). */
    @SuppressWarnings("unchecked")
    public static Set<NodeId> banned(Node node, Hash fileId) {
        try {
            Field f = node.transfer().getClass().getDeclaredField("files");
            f.setAccessible(true);
            Object d = ((Map<Hash, ?>) f.get(node.transfer())).get(fileId);
            if (d == null) {
                return Set.of();
            }
            java.lang.reflect.Method banned = d.getClass().getDeclaredMethod("banned");
            banned.setAccessible(true);
            return (Set<NodeId>) banned.invoke(d);
        } catch (ReflectiveOperationException e) {
            throw new AssertionError("TransferService/Download internals changed; update Fixtures.banned", e);
        }
    }
}

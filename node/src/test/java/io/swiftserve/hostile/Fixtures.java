package io.swiftserve.hostile;

import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import io.swiftserve.admin.AdminClient;
import io.swiftserve.chain.FileEntry;
import io.swiftserve.chain.Hash;
import io.swiftserve.daemon.Node;
import io.swiftserve.identity.NodeId;
import io.swiftserve.identity.Sha256;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.lang.reflect.Field;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.time.Duration;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.SplittableRandom;

/** Shared by the hostile and fault tests: files in and out of nodes, and a look at a download's banned peers. */
public final class Fixtures {
    public static final int MIB = 1 << 20;

    private Fixtures() {
    }

    public static String writeRandom(Path file, long size, long seed) throws IOException {
        SplittableRandom random = new SplittableRandom(seed);
        MessageDigest digest = Sha256.newDigest();
        byte[] buf = new byte[MIB];
        Files.createDirectories(file.toAbsolutePath().getParent());
        try (OutputStream out = Files.newOutputStream(file)) {
            for (long left = size; left > 0; ) {
                int n = (int) Math.min(buf.length, left);
                random.nextBytes(buf);
                out.write(buf, 0, n);
                digest.update(buf, 0, n);
                left -= n;
            }
        }
        return HexFormat.of().formatHex(digest.digest());
    }

    public static String sha256(Path file) {
        MessageDigest digest = Sha256.newDigest();
        byte[] buf = new byte[MIB];
        try (InputStream in = Files.newInputStream(file)) {
            for (int n; (n = in.read(buf)) > 0; ) {
                digest.update(buf, 0, n);
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return HexFormat.of().formatHex(digest.digest());
    }

    /** {@code swiftserve add} through the node's admin channel; returns the new file id. */
    public static Hash add(Node node, String path, Path source) throws Exception {
        long size = Files.size(source);
        JsonNode answer = new AdminClient(node.config().dataDir()).upload("/add", Map.of("path", path, "size", Long.toString(size)),
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

package io.swiftserve.cluster;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import io.swiftserve.admin.AdminClient;
import io.swiftserve.chain.FileEntry;
import io.swiftserve.chain.Hash;
import io.swiftserve.daemon.Node;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.CompletableFuture;
import java.util.function.Supplier;

/**
 * Files in and out of in-process nodes: {@code add} through the real admin channel, the ledger entry
 * it makes, waits for "complete on every node" and for a fetch to finish, and what each node holds in
 * {@code DIR/files/PATH}.
 */
public final class NodeFiles {
    public static final Duration ADMIN_TIMEOUT = Duration.ofSeconds(60);
    public static final Duration FETCH_TIMEOUT = Duration.ofSeconds(60);

    private NodeFiles() {}

    /** {@code swiftserve add} of {@code source} as {@code path}; returns the new file id. */
    public static Hash add(Node node, String path, Path source) throws Exception {
        return fileId(addAnswer(node, path, source));
    }

    public static Hash add(Node node, String path, byte[] content) throws Exception {
        return fileId(addAnswer(node, path, content));
    }

    /** As {@link #add(Node, String, Path)}, returning the daemon's whole answer (version, size, chunks, chunkSize). */
    public static JsonNode addAnswer(Node node, String path, Path source) throws Exception {
        long size = Files.size(source);
        return upload(node, path, size, () -> {
            try {
                return Files.newInputStream(source);
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        });
    }

    public static JsonNode addAnswer(Node node, String path, byte[] content) throws Exception {
        return upload(node, path, content.length, () -> new ByteArrayInputStream(content));
    }

    /**
     * Starts an add on a thread of its own. On a loaded machine the admin answer can come back after
     * the other nodes have already fetched the whole file, so tests that must act in the middle of a
     * transfer start the add this way and watch another node's ledger instead.
     */
    public static CompletableFuture<JsonNode> addAsync(Node node, String path, Path source) {
        CompletableFuture<JsonNode> answer = new CompletableFuture<>();
        Thread t = new Thread(
                () -> {
                    try {
                        answer.complete(addAnswer(node, path, source));
                    } catch (Throwable e) {
                        answer.completeExceptionally(e);
                    }
                },
                "test-add");
        t.setDaemon(true);
        t.start();
        return answer;
    }

    private static JsonNode upload(Node node, String path, long size, Supplier<InputStream> body)
            throws AdminClient.NotRunningException, AdminClient.RequestException {
        return new AdminClient(node.config().dataDir())
                .upload("/add", Map.of("path", path, "size", Long.toString(size)), size, body, ADMIN_TIMEOUT);
    }

    public static Hash fileId(JsonNode addAnswer) {
        return Hash.parse(addAnswer.path("fileId").asText());
    }

    /** The file id of {@code path} in {@code node}'s ledger, as soon as the block holding it arrives there. */
    public static Hash awaitLedgerEntry(Node node, String path, Duration atMost) {
        return awaitLedgerEntry(node, path, CompletableFuture.completedFuture(null), atMost);
    }

    /** As {@link #awaitLedgerEntry(Node, String, Duration)}, failing at once when {@code adding} fails. */
    public static Hash awaitLedgerEntry(Node node, String path, CompletableFuture<?> adding, Duration atMost) {
        return await(path + " in the ledger of " + node.key().id().shortId())
                .atMost(atMost)
                .pollDelay(Duration.ZERO)
                .pollInterval(Duration.ofMillis(5))
                .failFast("the add failed", adding::isCompletedExceptionally)
                .until(
                        () -> node.chain()
                                .state()
                                .file(path)
                                .map(FileEntry::fileId)
                                .orElse(null),
                        Objects::nonNull);
    }

    public static FileEntry entry(Node node, String path) {
        return node.chain()
                .state()
                .file(path)
                .orElseThrow(() -> new AssertionError(
                        "no " + path + " in the ledger of " + node.key().id().shortId()));
    }

    /** Where the node materialises a ledger path: {@code DIR/files/PATH}. */
    public static Path shared(Node node, String path) {
        return node.config().dataDir().resolve("files").resolve(path);
    }

    /** The node's transfer state of one version ("complete", "downloading", "error: …"), or "absent". */
    public static String state(Node node, Hash fileId) {
        return node.transfer().progress(fileId).map(p -> p.state()).orElse("absent");
    }

    /** How many verified chunks of one version the node holds. */
    public static int have(Node node, Hash fileId) {
        return node.transfer().progress(fileId).map(p -> p.have()).orElse(0);
    }

    public static boolean isComplete(Node node, Hash fileId) {
        return state(node, fileId).equals("complete");
    }

    /** Waits until every node in {@code nodes} reports version {@code fileId} complete (renamed into place). */
    public static void awaitComplete(List<Node> nodes, Hash fileId, Duration atMost) {
        await("file " + fileId.shortHex() + " complete on " + nodes.size() + " nodes")
                .atMost(atMost)
                .pollInterval(Duration.ofMillis(50))
                .until(() -> nodes.stream().allMatch(n -> isComplete(n, fileId)));
    }

    /** Starts {@code swiftserve fetch} of {@code url} as {@code path} on {@code node}; its status once done or failed. */
    public static Map<String, Object> fetch(Node node, String url, String path, String sha256) throws Exception {
        String id = (String) node.fetch().fetch(url, path, sha256, -1).get("id");
        return awaitFetchFinished(node, id);
    }

    /** The status of fetch {@code id} on {@code node} once it is done or failed. */
    public static Map<String, Object> awaitFetchFinished(Node node, String id) {
        return await("fetch " + id.substring(0, 12))
                .atMost(FETCH_TIMEOUT)
                .pollInterval(Duration.ofMillis(50))
                .until(
                        () -> node.fetch().status(id).orElseThrow(),
                        s -> s.get("state").equals("done") || s.get("state").equals("failed"));
    }

    public static void assertHolds(Node node, String path, String expectedSha256) {
        Path p = shared(node, path);
        assertThat(p).as("%s on node %s", path, node.key().id().shortId()).isRegularFile();
        assertThat(TestFiles.sha256(p))
                .as("SHA-256 of %s on node %s", path, node.key().id().shortId())
                .isEqualTo(expectedSha256);
    }
}

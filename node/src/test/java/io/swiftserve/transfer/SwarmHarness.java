package io.swiftserve.transfer;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import io.swiftserve.admin.AdminClient;
import io.swiftserve.chain.FileEntry;
import io.swiftserve.chain.Hash;
import io.swiftserve.cluster.TestCluster;
import io.swiftserve.cluster.TestFiles;
import io.swiftserve.daemon.Node;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.lang.reflect.Field;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Supplier;

/**
 * What the swarm integration tests share: random source files, {@code add}/{@code rm} through the
 * real admin channel, waits for "complete on every node", and SHA-256 of what each node holds in
 * {@code DIR/files/PATH}. Lives in the transfer package so it may look at a node's
 * {@link Download}s (their verified-chunk bitmap and banned peers), which no public API exposes.
 */
final class SwarmHarness {
    static final int MIB = 1 << 20;
    static final Duration ADMIN_TIMEOUT = Duration.ofSeconds(60);

    private SwarmHarness() {
    }

    /** Writes {@code size} pseudo-random bytes (reproducible from {@code seed}) and returns their SHA-256 in hex. */
    static String writeRandom(Path file, long size, long seed) throws IOException {
        return TestFiles.writeRandom(file, size, seed);
    }

    static byte[] randomBytes(int size, long seed) {
        return TestFiles.randomBytes(size, seed);
    }

    static String sha256(byte[] data) {
        return TestFiles.sha256(data);
    }

    static String sha256(Path file) {
        return TestFiles.sha256(file);
    }

    /** {@code swiftserve add} of {@code source} as {@code path}, through the node's admin channel; the daemon's answer. */
    static JsonNode add(Node node, String path, Path source) throws Exception {
        long size = Files.size(source);
        return upload(node, path, size, () -> {
            try {
                return Files.newInputStream(source);
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        });
    }

    /**
     * Starts an add on a thread of its own. On a loaded machine the admin answer can come back after
     * the other nodes have already fetched the whole file, so tests that must act in the middle of a
     * transfer start the add this way and watch another node's ledger instead.
     */
    static CompletableFuture<JsonNode> addAsync(Node node, String path, Path source) {
        CompletableFuture<JsonNode> answer = new CompletableFuture<>();
        Thread t = new Thread(() -> {
            try {
                answer.complete(add(node, path, source));
            } catch (Throwable e) {
                answer.completeExceptionally(e);
            }
        }, "test-add");
        t.setDaemon(true);
        t.start();
        return answer;
    }

    /** The file id of {@code path} in {@code node}'s ledger, as soon as the block holding it arrives there. */
    static Hash awaitLedgerEntry(Node node, String path, CompletableFuture<JsonNode> adding, Duration atMost) {
        return await(path + " in the ledger of " + node.key().id().shortId()).atMost(atMost)
                .pollDelay(Duration.ZERO).pollInterval(Duration.ofMillis(5))
                .failFast("the add failed", () -> adding.isCompletedExceptionally())
                .until(() -> node.chain().state().file(path).map(FileEntry::fileId).orElse(null), java.util.Objects::nonNull);
    }

    static JsonNode add(Node node, String path, byte[] content) throws Exception {
        return upload(node, path, content.length, () -> new ByteArrayInputStream(content));
    }

    static JsonNode upload(Node node, String path, long size, Supplier<InputStream> body)
            throws AdminClient.NotRunningException, AdminClient.RequestException {
        return new AdminClient(node.config().dataDir())
                .upload("/add", Map.of("path", path, "size", Long.toString(size)), size, body, ADMIN_TIMEOUT);
    }

    static Hash fileId(JsonNode addAnswer) {
        return Hash.parse(addAnswer.path("fileId").asText());
    }

    /** Where the node materialises a ledger path: {@code DIR/files/PATH}. */
    static Path shared(Node node, String path) {
        return node.config().dataDir().resolve("files").resolve(path);
    }

    static boolean isComplete(Node node, Hash fileId) {
        return node.transfer().progress(fileId).map(p -> p.state().equals("complete")).orElse(false);
    }

    /** Waits until every node in {@code nodes} reports version {@code fileId} complete (renamed into place). */
    static void awaitComplete(List<Node> nodes, Hash fileId, Duration atMost) {
        await("file " + fileId.shortHex() + " complete on " + nodes.size() + " nodes").atMost(atMost)
                .pollInterval(Duration.ofMillis(50))
                .until(() -> nodes.stream().allMatch(n -> isComplete(n, fileId)));
    }

    static void assertHolds(Node node, String path, String expectedSha256) {
        Path p = shared(node, path);
        assertThat(p).as("%s on node %s", path, node.key().id().shortId()).isRegularFile();
        assertThat(sha256(p)).as("SHA-256 of %s on node %s", path, node.key().id().shortId()).isEqualTo(expectedSha256);
    }

    static FileEntry entry(Node node, String path) {
        return node.chain().state().file(path).orElseThrow(() -> new AssertionError("no " + path + " in the ledger of "
                + node.key().id().shortId()));
    }

    /** This node's download (or held copy) of one file version, or null: its bitmap and banned peers are package-private. */
    static Download download(Node node, Hash fileId) {
        return downloads(node.transfer()).get(fileId);
    }

    @SuppressWarnings("unchecked")
    private static Map<Hash, Download> downloads(TransferService transfer) {
        try {
            Field f = TransferService.class.getDeclaredField("files");
            f.setAccessible(true);
            return (Map<Hash, Download>) f.get(transfer);
        } catch (ReflectiveOperationException e) {
            throw new AssertionError("TransferService no longer keeps its downloads in a field 'files'; update SwarmHarness", e);
        }
    }

    /** One line per node: the transfer counters, for the test log. */
    static String counters(List<Node> nodes) {
        StringBuilder sb = new StringBuilder();
        for (int i = 0; i < nodes.size(); i++) {
            TransferStats s = nodes.get(i).transfer().stats();
            sb.append(String.format("  node %d (%s): bytesUp=%,d bytesDown=%,d chunksVerified=%d chunksFailed=%d bitmapSaves=%d%n",
                    i, nodes.get(i).key().id().shortId(), s.bytesUp.get(), s.bytesDown.get(), s.chunksVerified.get(),
                    s.chunksFailed.get(), s.bitmapSaves.get()));
        }
        return sb.toString();
    }

    /**
     * Stops node {@code i} of {@code cluster} as if its machine went away: its peer connections are cut
     * first, then it is closed, and any connection a peer re-dials meanwhile is cut again. (Node.close()
     * shuts the admin channel before the peer network, which can take a good part of a second during
     * which the node would go on sending and receiving chunks.) Returns once it is closed.
     */
    static void stopPromptly(TestCluster cluster, int i) throws Exception {
        Node node = cluster.node(i);
        cutOff(node);
        ExecutorService stopper = Executors.newSingleThreadExecutor();
        try {
            Future<?> stopping = stopper.submit(() -> cluster.stop(i));
            await("node " + i + " stopped").atMost(Duration.ofSeconds(30)).pollDelay(Duration.ZERO).pollInterval(Duration.ofMillis(2))
                    .until(() -> {
                        cutOff(node);
                        return stopping.isDone();
                    });
            stopping.get();
        } finally {
            stopper.shutdownNow();
        }
    }

    /**
     * Makes {@code seed} serve random bytes for every chunk requested after its first {@code honest}
     * chunk requests, so that a download from it stalls there (its peers drop it from the swarm)
     * instead of completing before a test gets to act. Undo with {@code corruptChunks(i -> false)}.
     */
    static void stallAfter(Node seed, int honest) {
        AtomicInteger requests = new AtomicInteger();
        seed.transfer().corruptChunks(i -> requests.incrementAndGet() > honest);
    }

    /**
     * Refuses every peer from now on, closes every connection of {@code node} and waits until they are
     * closed: an upload its event loop had already begun writing still counts as sent before the close,
     * none after. Refusing first matters: peers redial a lost session at once, and a redial that lands
     * before the node is stopped would be served.
     */
    static void cutOff(Node node) {
        node.network().setPeerFilter(id -> false);
        node.network().sessions().forEach(s -> s.channel().close().awaitUninterruptibly(5, java.util.concurrent.TimeUnit.SECONDS));
    }
}

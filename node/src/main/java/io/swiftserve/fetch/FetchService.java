package io.swiftserve.fetch;

import io.swiftserve.chain.Blockchain;
import io.swiftserve.chain.FilePaths;
import io.swiftserve.chain.Hash;
import io.swiftserve.identity.NodeId;
import io.swiftserve.net.MessageRouter;
import io.swiftserve.net.PeerNetwork;
import io.swiftserve.net.PeerSession;
import io.swiftserve.transfer.TransferService;
import io.swiftserve.util.LogText;
import io.swiftserve.util.PrivateDirs;
import io.swiftserve.util.Threads;
import java.io.IOException;
import java.io.InputStream;
import java.net.URI;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.util.ArrayList;
import java.util.Collections;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Collaborative download ({@code swiftserve fetch}): this node fetches an http(s) URL together with
 * other members, then publishes it so the swarm spreads it. Both roles live here: the requester's
 * {@link FetchJob}s, and the {@link HelperTask}s this node runs for other requesters. Messages:
 * FetchAssign / FetchCancel (requester to helper), FetchFailed / FetchProgress (helper to
 * requester), and ChunkData frames whose file_id is the fetch id (helper to requester).
 */
public final class FetchService implements AutoCloseable {
    private static final Logger log = LoggerFactory.getLogger(FetchService.class);
    static final int MAX_TASKS_PER_REQUESTER = HelperLimits.MAX_TASKS_PER_REQUESTER;
    private static final int KEEP_FINISHED = 64;
    static final int KEEP_RESUMABLE_DAYS = 7;

    /** Publishes a finished download as a ledger file, exactly as {@code add} does; returns add's answer (fileId, version, ...). */
    @FunctionalInterface
    public interface Publisher {
        Map<String, Object> publish(String path, long size, InputStream content) throws Exception;
    }

    /** A request the user can fix (bad URL, path, hash). */
    public static final class FetchException extends Exception {
        public FetchException(String message) {
            super(message);
        }
    }

    /**
     * Tunables; {@link #defaults()} reads the system properties {@code swiftserve.fetch.stallSeconds}
     * (a worker without progress that long loses its chunks; default 20), {@code swiftserve.fetch.batchKiB}
     * (bytes handed out per batch, default 1024), {@code swiftserve.fetch.readTimeoutSeconds} (default 30).
     */
    public record Settings(int batchBytes, long stallMs, int connectTimeoutMs, int readTimeoutMs, long retryBackoffMs) {
        public static Settings defaults() {
            return new Settings(
                    Integer.getInteger("swiftserve.fetch.batchKiB", 1024) * 1024,
                    Long.getLong("swiftserve.fetch.stallSeconds", 20) * 1000,
                    10_000,
                    Integer.getInteger("swiftserve.fetch.readTimeoutSeconds", 30) * 1000,
                    500);
        }
    }

    private final NodeId self;
    private final PeerNetwork network;
    private final TransferService transfer;
    private final Blockchain chain;
    private final Path partialDir;
    private final Publisher publisher;
    private final Settings settings;
    private final Origin origin;
    private final HelperLimits limits;
    private final Helping helping;
    private final Map<Hash, FetchJob> jobs = new ConcurrentHashMap<>();
    private final ScheduledExecutorService timer = Threads.single("fetch-timer");
    private final ExecutorService io = Threads.pool(2, "fetch-io");
    private final SecureRandom random = new SecureRandom();
    private volatile boolean closed;

    /** {@code targets}: the addresses this node may fetch from as a helper (its operator's {@code --fetch-allow}). */
    public FetchService(
            NodeId self,
            PeerNetwork network,
            TransferService transfer,
            Blockchain chain,
            Path partialDir,
            Publisher publisher,
            FetchTargets targets) {
        this(self, network, transfer, chain, partialDir, publisher, targets, Settings.defaults());
    }

    public FetchService(
            NodeId self,
            PeerNetwork network,
            TransferService transfer,
            Blockchain chain,
            Path partialDir,
            Publisher publisher,
            FetchTargets targets,
            Settings settings) {
        this.self = self;
        this.network = network;
        this.transfer = transfer;
        this.chain = chain;
        this.partialDir = partialDir;
        this.publisher = publisher;
        this.settings = settings;
        this.origin = new Origin(settings.connectTimeoutMs(), settings.readTimeoutMs(), settings.retryBackoffMs());
        this.limits = new HelperLimits(partialDir, targets);
        this.helping = new Helping(chain, transfer, partialDir, origin, limits, settings.batchBytes());
    }

    public void register(MessageRouter router) {
        FetchMessages.register(router, new FetchMessages.Handlers() {
            @Override
            public void assign(PeerSession from, FetchInbound.Assignment m) {
                helping.onAssign(from, m);
            }

            @Override
            public void cancel(PeerSession from, FetchInbound.Cancel m) {
                helping.onCancel(from, m);
            }

            @Override
            public void failed(PeerSession from, FetchInbound.Failure m) {
                job(m.fetchId())
                        .ifPresent(j -> j.failed(
                                from,
                                "helper " + from.peer().shortId() + ": " + LogText.escape(m.reason()),
                                m.fatal()));
            }

            @Override
            public void progress(PeerSession from, FetchInbound.Progress m) {
                job(m.fetchId()).ifPresent(j -> j.progress(from, m.bytes()));
            }
        });
    }

    /**
     * Removes what an earlier run left, except the downloads kept for a later attempt of the same
     * fetch ({@link FetchResume}) for {@value #KEEP_RESUMABLE_DAYS} days, then starts the heartbeat.
     */
    public void start() throws IOException {
        PrivateDirs.create(partialDir);
        long keepSince = System.currentTimeMillis() - TimeUnit.DAYS.toMillis(KEEP_RESUMABLE_DAYS);
        try (DirectoryStream<Path> old = Files.newDirectoryStream(partialDir, FetchResume.PREFIX + "*")) {
            for (Path p : old) {
                if (!FetchResume.isKept(p, keepSince)) {
                    Files.deleteIfExists(p);
                }
            }
        }
        timer.scheduleWithFixedDelay(this::heartbeat, 1, 1, TimeUnit.SECONDS);
        timer.scheduleWithFixedDelay(this::checkAdoptionsSafely, 200, 200, TimeUnit.MILLISECONDS);
        chain.addListener((removed, added) -> checkAdoptionsSafely());
    }

    private void checkAdoptionsSafely() {
        try {
            helping.checkAdoptions();
        } catch (RuntimeException e) {
            log.warn("taking in fetched chunks failed", e);
        }
    }

    // ------------------------------------------------------------------ requester

    /**
     * Starts fetching {@code url}; returns its status at once (poll {@link #status}).
     *
     * @param path    ledger path, or null for the URL's last path segment
     * @param sha256  expected SHA-256 (hex) of the whole file, or null
     * @param helpers how many other members to enlist; negative = every connected member
     */
    public Map<String, Object> fetch(String url, String path, String sha256, int helpers) throws FetchException {
        if (closed) {
            throw new FetchException("the node is stopping");
        }
        URI uri;
        try {
            uri = Origin.checkUrl(url == null ? "" : url);
        } catch (Origin.OriginException e) {
            throw new FetchException(e.getMessage());
        }
        String target = path == null || path.isBlank() ? nameFrom(uri) : path;
        String problem = FilePaths.problem(target);
        if (problem != null) {
            throw new FetchException("refusing path '" + target + "': " + problem);
        }
        String expected = null;
        if (sha256 != null && !sha256.isBlank()) {
            expected = sha256.trim().toLowerCase(Locale.ROOT);
            if (!expected.matches("[0-9a-f]{64}")) {
                throw new FetchException("'" + sha256 + "' is not a SHA-256 (64 hex characters)");
            }
        }
        synchronized (jobs) {
            for (FetchJob j : jobs.values()) {
                if (!j.finished() && j.path.equals(target)) {
                    throw new FetchException("a fetch of " + target + " is already running (" + j.id.shortHex() + ")");
                }
            }
            byte[] id = new byte[32];
            random.nextBytes(id);
            FetchJob job = new FetchJob(
                    this,
                    self,
                    Hash.of(id),
                    uri.toString(),
                    target,
                    expected,
                    helpers,
                    Guard.requester(limits.targets(), uri.toString()));
            jobs.put(job.id, job);
            prune();
            Thread t = new Thread(job, "fetch-" + job.id.shortHex());
            t.setDaemon(true);
            t.start();
            return job.status();
        }
    }

    private static String nameFrom(URI uri) throws FetchException {
        String p = uri.getRawPath() == null ? "" : uri.getRawPath();
        String last = p.substring(p.lastIndexOf('/') + 1);
        String name = URLDecoder.decode(last.replace("+", "%2B"), StandardCharsets.UTF_8);
        if (name.isBlank() || name.equals(".") || name.equals("..")) {
            throw new FetchException("cannot name the file after " + uri + "; give --as PATH");
        }
        return name;
    }

    private void prune() {
        List<FetchJob> done = jobs.values().stream()
                .filter(FetchJob::finished)
                .sorted(Comparator.comparingLong(j -> (long) j.status().get("createdMs")))
                .toList();
        for (int i = 0; i < done.size() - KEEP_FINISHED; i++) {
            jobs.remove(done.get(i).id);
        }
    }

    public Optional<Map<String, Object>> status(String id) {
        try {
            return Optional.ofNullable(jobs.get(Hash.parse(id.trim().toLowerCase(Locale.ROOT))))
                    .map(FetchJob::status);
        } catch (IllegalArgumentException e) {
            return Optional.empty();
        }
    }

    public List<Map<String, Object>> list() {
        List<Map<String, Object>> out = new ArrayList<>();
        jobs.values().stream()
                .map(FetchJob::status)
                .sorted(Comparator.comparingLong(m -> (long) m.get("createdMs")))
                .forEach(out::add);
        return out;
    }

    private Optional<FetchJob> job(Hash id) {
        return Optional.ofNullable(jobs.get(id));
    }

    /** Up to {@code n} (all if negative) connected members, in random order. */
    List<PeerSession> pickHelpers(int n) {
        List<PeerSession> members = new ArrayList<>(network.sessions().stream()
                .filter(s -> s.isMember() && s.isOpen())
                .toList());
        Collections.shuffle(members, random);
        return n < 0 || n >= members.size() ? members : members.subList(0, n);
    }

    // ------------------------------------------------------------------ helper

    /** Chunks this node downloaded as a helper and then took into the published version (warm swarm). */
    public long chunksAdopted() {
        return helping.chunksAdopted();
    }

    private void heartbeat() {
        try {
            helping.heartbeat();
        } catch (RuntimeException e) {
            log.warn("fetch heartbeat failed", e);
        }
    }

    public void sessionDown(PeerSession s) {
        jobs.values().forEach(j -> j.sessionDown(s));
        helping.sessionDown(s);
    }

    // ------------------------------------------------------------------ for FetchJob

    Settings settings() {
        return settings;
    }

    Origin origin() {
        return origin;
    }

    TransferService transfer() {
        return transfer;
    }

    Publisher publisher() {
        return publisher;
    }

    Path partialDir() {
        return partialDir;
    }

    ExecutorService io() {
        return io;
    }

    @Override
    public void close() {
        closed = true;
        jobs.values().forEach(j -> j.abort("the node is stopping"));
        helping.close();
        timer.shutdownNow();
        origin.close(); // aborts what the stopped workers still read
        try {
            // a stopped job records what it kept for the next attempt: let it, within a limit
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(5);
            for (FetchJob j : jobs.values()) {
                j.awaitEnd(Math.max(0, TimeUnit.NANOSECONDS.toMillis(deadline - System.nanoTime())));
            }
            io.shutdown();
            io.awaitTermination(5, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    /** For tests and status: fetches this node is running or ran recently, by id. */
    Map<String, FetchJob> jobsById() {
        Map<String, FetchJob> m = new LinkedHashMap<>();
        jobs.forEach((k, v) -> m.put(k.toString(), v));
        return m;
    }
}

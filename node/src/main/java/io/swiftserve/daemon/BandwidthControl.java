package io.swiftserve.daemon;

import io.swiftserve.net.Bandwidth;
import java.io.IOException;
import java.io.Reader;
import java.io.Writer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Clock;
import java.time.LocalDateTime;
import java.time.ZoneId;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Properties;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The node's bandwidth settings: its own upload and download limits, each peer's, and the weekly
 * schedule that overrides the node's own during its hours. Changed by {@code run --limit-*} at start
 * and by {@code swiftserve limit} (the admin API) while running, kept in {@code DIR/limits} across
 * restarts, applied to the peer connections at once and at each schedule boundary within a second
 * (the schedule is looked at every second, on the timer thread).
 */
public final class BandwidthControl implements AutoCloseable {
    private static final Logger log = LoggerFactory.getLogger(BandwidthControl.class);
    public static final String FILE = "limits";
    /** The setting names, in the admin API, in {@code DIR/limits} and (with --) in the CLI. */
    public static final String UP = "up";

    public static final String DOWN = "down";
    public static final String PEER_UP = "peer-up";
    public static final String PEER_DOWN = "peer-down";
    public static final String SCHEDULE = "schedule";

    /** What was set: rates in bytes per second, 0 for off. */
    record Settings(long up, long down, long peerUp, long peerDown, LimitSchedule schedule) {}

    private final Path file;
    private final Bandwidth bandwidth;
    private final Clock clock;
    private Settings settings;
    /** Up and down as last applied, and the rule that chose them ("" for none). */
    private long appliedUp = -1;

    private long appliedDown = -1;
    private String appliedRule = "";
    private ScheduledFuture<?> tick;

    private BandwidthControl(Path file, Bandwidth bandwidth, Clock clock, Settings settings) {
        this.file = file;
        this.bandwidth = bandwidth;
        this.clock = clock;
        this.settings = settings;
    }

    /**
     * Reads {@code DIR/limits}, applies {@code atStart} (settings by name, as the admin API takes
     * them) on top and keeps the result, then applies it and looks at the schedule every second.
     */
    static BandwidthControl open(
            Path dataDir, Map<String, String> atStart, Bandwidth bandwidth, ScheduledExecutorService timer, Clock clock)
            throws IOException {
        Path file = dataDir.resolve(FILE);
        BandwidthControl c = new BandwidthControl(file, bandwidth, clock, load(file));
        if (!atStart.isEmpty()) {
            c.settings = c.changed(atStart);
            c.save(c.settings);
        }
        c.apply(Cause.START);
        c.tick = timer.scheduleAtFixedRate(() -> c.apply(Cause.CLOCK), 1, 1, TimeUnit.SECONDS);
        return c;
    }

    /** Applies the named changes (absent ones stay), keeps them, and answers {@link #view()}. */
    synchronized Map<String, Object> update(Map<String, String> changes) throws IOException {
        Settings next = changed(changes);
        save(next);
        settings = next;
        apply(Cause.CHANGE);
        return view();
    }

    /** What is set and what applies now; rates in bytes per second, 0 for no limit. */
    synchronized Map<String, Object> view() {
        Map<String, Object> v = new LinkedHashMap<>();
        v.put(UP, appliedUp);
        v.put(DOWN, appliedDown);
        v.put("peerUp", settings.peerUp());
        v.put("peerDown", settings.peerDown());
        v.put("nodeUp", settings.up());
        v.put("nodeDown", settings.down());
        v.put(SCHEDULE, settings.schedule().toString());
        v.put("rule", appliedRule);
        return v;
    }

    private Settings changed(Map<String, String> changes) {
        Settings s = settings;
        for (Map.Entry<String, String> e : changes.entrySet()) {
            String value = e.getValue();
            s = switch (e.getKey()) {
                case UP -> new Settings(rate(UP, value), s.down(), s.peerUp(), s.peerDown(), s.schedule());
                case DOWN -> new Settings(s.up(), rate(DOWN, value), s.peerUp(), s.peerDown(), s.schedule());
                case PEER_UP -> new Settings(s.up(), s.down(), rate(PEER_UP, value), s.peerDown(), s.schedule());
                case PEER_DOWN -> new Settings(s.up(), s.down(), s.peerUp(), rate(PEER_DOWN, value), s.schedule());
                case SCHEDULE -> new Settings(s.up(), s.down(), s.peerUp(), s.peerDown(), schedule(value));
                default -> throw new IllegalArgumentException("unknown limit '" + e.getKey() + "'");
            };
        }
        return s;
    }

    private static long rate(String name, String value) {
        try {
            return Rates.parse(value);
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException(name + ": " + e.getMessage());
        }
    }

    private static LimitSchedule schedule(String value) {
        return LimitSchedule.parse(value);
    }

    /** Why the limits are applied: at start, changed by the operator, or the clock (the schedule). */
    private enum Cause {
        START,
        CHANGE,
        CLOCK
    }

    /** Sets the limits that apply now; one log line for a change, at start only if something is limited. */
    private synchronized void apply(Cause cause) {
        Settings s = settings;
        LimitSchedule.Rule rule = s.schedule()
                .at(LocalDateTime.ofInstant(clock.instant(), ZoneId.systemDefault()))
                .orElse(null);
        long up = rule != null && rule.up() != null ? rule.up() : s.up();
        long down = rule != null && rule.down() != null ? rule.down() : s.down();
        String ruleText = rule != null ? rule.text() : "";
        boolean same = up == appliedUp && down == appliedDown && ruleText.equals(appliedRule);
        if (cause == Cause.CLOCK && same) {
            return;
        }
        bandwidth.set(up, down, s.peerUp(), s.peerDown());
        appliedUp = up;
        appliedDown = down;
        appliedRule = ruleText;
        boolean none = up == 0
                && down == 0
                && s.peerUp() == 0
                && s.peerDown() == 0
                && s.schedule().isEmpty();
        if (cause == Cause.START && none) {
            return;
        }
        log.info(
                "bandwidth limits{}: up {}, down {}, per peer up {}, down {}{}",
                cause == Cause.CLOCK ? " (schedule)" : cause == Cause.START ? "" : " changed",
                Rates.human(up),
                Rates.human(down),
                Rates.human(s.peerUp()),
                Rates.human(s.peerDown()),
                ruleText.isEmpty()
                        ? s.schedule().isEmpty() ? "" : "; outside the schedule"
                        : "; schedule rule '" + ruleText + "'");
    }

    private static Settings load(Path file) throws IOException {
        Properties p = new Properties();
        try (Reader in = Files.newBufferedReader(file, StandardCharsets.UTF_8)) {
            p.load(in);
        } catch (NoSuchFileException e) {
            return new Settings(0, 0, 0, 0, LimitSchedule.NONE);
        }
        try {
            return new Settings(
                    Rates.parse(p.getProperty(UP, "off")),
                    Rates.parse(p.getProperty(DOWN, "off")),
                    Rates.parse(p.getProperty(PEER_UP, "off")),
                    Rates.parse(p.getProperty(PEER_DOWN, "off")),
                    LimitSchedule.parse(p.getProperty(SCHEDULE, "")));
        } catch (IllegalArgumentException e) {
            throw new IOException(file + ": " + e.getMessage(), e);
        }
    }

    /** Written whole to a temporary file, then renamed over the old one: a crash leaves one or the other. */
    private void save(Settings s) throws IOException {
        Properties p = new Properties();
        p.setProperty(UP, Rates.exact(s.up()));
        p.setProperty(DOWN, Rates.exact(s.down()));
        p.setProperty(PEER_UP, Rates.exact(s.peerUp()));
        p.setProperty(PEER_DOWN, Rates.exact(s.peerDown()));
        p.setProperty(SCHEDULE, s.schedule().toString());
        Path tmp = file.resolveSibling(FILE + ".tmp");
        try (Writer out = Files.newBufferedWriter(tmp, StandardCharsets.UTF_8)) {
            p.store(out, "bandwidth limits, set by 'swiftserve limit' or 'run --limit-*'; B/s, off = none");
        }
        Files.move(tmp, file, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
    }

    @Override
    public synchronized void close() {
        if (tick != null) {
            tick.cancel(false);
        }
    }
}

package io.swiftserve.cli;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.PrintWriter;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;
import me.tongfei.progressbar.ProgressBar;
import me.tongfei.progressbar.ProgressBarBuilder;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

@Command(
        name = "fetch",
        description = {
            "Download an http(s) URL together with other members, then publish it.",
            "The file is cut into chunks; this node and the helpers each download their share with HTTP Range requests,",
            "the helpers hand their chunks over on the LAN, and the result is published as 'add' does, so every member",
            "gets it (the helpers already hold their chunks). An origin without Range support is downloaded by this node alone."
        })
final class FetchCommand extends AdminCommand {
    @Parameters(paramLabel = "URL", description = "http:// or https:// URL of the file.")
    String url;

    @Option(names = "--as", paramLabel = "PATH", description = "Path in the network (default: the URL's file name).")
    String as;

    @Option(
            names = "--sha256",
            paramLabel = "HEX",
            description = "Expected SHA-256 of the whole file; on a mismatch nothing is published.")
    String sha256;

    @Option(
            names = "--helpers",
            paramLabel = "N",
            description = "Enlist at most N other members (default: every connected member; 0: this node alone).")
    Integer helpers;

    @Option(
            names = "--timeout",
            defaultValue = "12h",
            paramLabel = "DURATION",
            description =
                    "Stop waiting after this long: 90s, 15m, 2h (default ${DEFAULT-VALUE}); the fetch itself goes on.")
    String timeout;

    @Override
    public Integer call() {
        Duration limit = AddCommand.duration(timeout);
        String u = url.trim();
        String lower = u.toLowerCase(Locale.ROOT);
        if (!lower.startsWith("http://") && !lower.startsWith("https://")) {
            throw new CliException(Main.USAGE, "only http:// and https:// URLs can be fetched, not '" + url + "'");
        }
        if (sha256 != null && !sha256.trim().matches("[0-9a-fA-F]{64}")) {
            throw new CliException(Main.USAGE, "--sha256 needs 64 hex characters, not '" + sha256 + "'");
        }
        if (helpers != null && helpers < 0) {
            throw new CliException(Main.USAGE, "--helpers must be 0 or more");
        }
        Map<String, String> query = new LinkedHashMap<>();
        query.put("url", u);
        if (as != null) {
            query.put("as", as);
        }
        if (sha256 != null) {
            query.put("sha256", sha256.trim());
        }
        if (helpers != null) {
            query.put("helpers", Integer.toString(helpers));
        }
        JsonNode started = post("/fetch", query, Duration.ofSeconds(30));
        String id = started.path("id").asText();
        JsonNode last = follow(id, started.path("path").asText(), limit);
        if (last.path("state").asText().equals("failed")) {
            if (json) {
                printedJson(last);
            }
            throw CliException.failed(last.path("error").asText("the fetch failed"));
        }
        if (!printedJson(last)) {
            report(last);
        }
        if (sha256 == null) {
            trustNote(last);
        }
        return Main.OK;
    }

    /**
     * Without a hash to check, the published bytes are whatever the members that downloaded them
     * delivered: say so, on stderr so that --json output stays machine-readable.
     */
    private void trustNote(JsonNode s) {
        StringBuilder who = new StringBuilder();
        for (JsonNode h : s.path("helpers")) {
            if (h.path("chunks").asInt() > 0) {
                who.append(who.length() == 0 ? "" : ", ")
                        .append(
                                h.path("self").asBoolean()
                                        ? "this node"
                                        : shortId(h.path("node").asText()).substring(0, 8));
            }
        }
        PrintWriter err = spec.commandLine().getErr();
        err.println("without --sha256 the file is trusted as far as the members that fetched it: "
                + (who.length() == 0 ? "this node" : who)
                + " (give --sha256 HEX to check it against a hash you trust)");
        err.flush();
    }

    /** Polls the fetch until it is done or failed, drawing the progress bar on a terminal. */
    private JsonNode follow(String id, String path, Duration limit) {
        long deadline = System.nanoTime() + limit.toNanos();
        ProgressBar bar = null;
        try {
            while (true) {
                JsonNode s = get("/fetch", Map.of("id", id));
                String state = s.path("state").asText();
                if (state.equals("done") || state.equals("failed")) {
                    if (bar != null) {
                        bar.stepTo(s.path("done").asLong());
                        bar.setExtraMessage(helpersLine(s));
                    }
                    return s;
                }
                long chunks = s.path("chunks").asLong();
                if (bar == null && chunks > 0 && !json && Terminals.interactive()) {
                    bar = new ProgressBarBuilder()
                            .setTaskName("fetching " + path)
                            .setInitialMax(chunks)
                            .setUnit(" chunks", 1)
                            .continuousUpdate()
                            .build();
                }
                if (bar != null) {
                    bar.stepTo(s.path("done").asLong());
                    bar.setExtraMessage(state.equals("verifying") ? "verifying and publishing" : helpersLine(s));
                }
                if (System.nanoTime() > deadline) {
                    throw CliException.failed("stopped waiting after " + limit.toSeconds() + " s ("
                            + s.path("done").asLong() + " of " + chunks + " chunks); the fetch " + shortId(id)
                            + " goes on in the daemon");
                }
                Thread.sleep(100);
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw CliException.failed("interrupted");
        } finally {
            if (bar != null) {
                bar.close();
            }
        }
    }

    /** "self 35 · 1a2b3c4d 31 · ... | 12.3 MiB/s": chunks per member and the overall rate. */
    static String helpersLine(JsonNode s) {
        StringBuilder sb = new StringBuilder();
        for (JsonNode h : s.path("helpers")) {
            if (sb.length() > 0) {
                sb.append(" · ");
            }
            sb.append(
                            h.path("self").asBoolean()
                                    ? "self"
                                    : shortId(h.path("node").asText()).substring(0, 8))
                    .append(' ')
                    .append(h.path("chunks").asInt());
            String st = h.path("state").asText();
            if (!st.equals("active")) {
                sb.append(" (").append(st).append(')');
            }
        }
        sb.append(String.format(" | %.1f MiB/s", s.path("rate").asDouble() / (1 << 20)));
        return sb.toString();
    }

    private void report(JsonNode s) {
        out().printf(
                        "fetched %s as %s v%d: %d bytes, %d chunks in %.1f s (%.1f MiB/s, %s)%n",
                        s.path("url").asText(),
                        s.path("path").asText(),
                        s.path("version").asLong(),
                        s.path("size").asLong(),
                        s.path("chunks").asInt(),
                        s.path("seconds").asDouble(),
                        s.path("rate").asDouble() / (1 << 20),
                        s.path("ranges").asBoolean()
                                ? "chunks per member: " + helpersLine(s).replaceAll(" \\| .*", "")
                                : "single download: the origin does not support Range requests");
        if (s.path("resumedChunks").asInt() > 0) {
            out().printf(
                            "resumed: %d of %d chunks were kept from an earlier attempt%n",
                            s.path("resumedChunks").asInt(), s.path("chunks").asInt());
        }
        out().printf(
                        "sha256 %s, file id %s%n",
                        s.path("sha256").asText(), s.path("fileId").asText());
        out().flush();
    }
}

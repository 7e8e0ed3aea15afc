package io.swiftserve.cli;

import io.swiftserve.admin.Json;
import io.swiftserve.chain.Blockchain;
import io.swiftserve.chain.HoldingsAudit;
import io.swiftserve.daemon.NodeInit;
import io.swiftserve.store.RocksDbStore;
import io.swiftserve.store.StoreException;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Instant;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/**
 * The delivery records on a data dir's chain: which member held which version, since when. Reads
 * the store directly (read-only), so it works on a copy of a data dir, with the daemon stopped or
 * running.
 */
@Command(
        name = "audit",
        description = "Show from the chain alone which member held which version, since when (the members'"
                + " signed holdings records). Reads the data dir's store read-only: works without a daemon.")
final class AuditCommand implements Callable<Integer> {
    @Mixin
    DataDirOption data;

    @Parameters(
            paramLabel = "PATH",
            arity = "0..1",
            description = "Only the versions of this path (a file or a tree); default: each member's last record.")
    String path;

    @Option(names = "--json", description = "Print machine-readable JSON instead of text.")
    boolean json;

    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    @Override
    public Integer call() {
        Path db = data.path().resolve(NodeInit.DB_DIR);
        HoldingsAudit.Result r;
        try (RocksDbStore store = RocksDbStore.openReadOnly(db)) {
            Blockchain chain = Blockchain.open(store, Clock.systemUTC())
                    .orElseThrow(() -> CliException.failed(data.path() + " holds no network"));
            r = HoldingsAudit.run(chain);
        } catch (StoreException e) {
            throw CliException.failed(e.getMessage());
        }
        List<HoldingsAudit.Held> held = r.held().stream()
                .filter(h -> h.version() != null
                        && (path == null || h.version().path().equals(path)))
                .sorted(Comparator.comparing(
                                (HoldingsAudit.Held h) -> h.version().path())
                        .thenComparingLong(h -> h.version().version())
                        .thenComparingLong(HoldingsAudit.Held::sinceMs))
                .toList();
        PrintWriter out = spec.commandLine().getOut();
        if (json) {
            Map<String, Object> o = new LinkedHashMap<>();
            o.put("records", r.records());
            o.put("refused", r.refused());
            o.put("members", r.members().stream().map(AuditCommand::view).toList());
            o.put("held", held.stream().map(AuditCommand::view).toList());
            out.println(Json.write(o));
        } else {
            out.printf(
                    "%d holdings records on the main chain%s%n",
                    r.records(),
                    r.refused() == 0
                            ? ""
                            : ", " + r.refused() + " not taken (a lost branch's block or a wrong file set)");
            if (path == null) {
                r.members()
                        .forEach(m -> out.printf(
                                "%s  last record %s: holds %d of %d versions at height %d%n",
                                m.member().shortId(),
                                Instant.ofEpochMilli(m.atMs()),
                                m.held(),
                                m.versions(),
                                m.height()));
            } else if (held.isEmpty()) {
                out.println("no member recorded holding " + path);
            } else {
                held.forEach(h -> out.printf(
                        "%s v%d  %s  since %s, last recorded %s%s%n",
                        h.version().path(),
                        h.version().version(),
                        h.member().shortId(),
                        Instant.ofEpochMilli(h.sinceMs()),
                        Instant.ofEpochMilli(h.lastRecordedMs()),
                        h.untilMs() == null ? "" : ", not held from " + Instant.ofEpochMilli(h.untilMs())));
            }
        }
        out.flush();
        return Main.OK;
    }

    private static Map<String, Object> view(HoldingsAudit.LastRecord m) {
        Map<String, Object> o = new LinkedHashMap<>();
        o.put("member", m.member().toString());
        o.put("lastRecordMs", m.atMs());
        o.put("height", m.height());
        o.put("held", m.held());
        o.put("versions", m.versions());
        return o;
    }

    private static Map<String, Object> view(HoldingsAudit.Held h) {
        Map<String, Object> o = new LinkedHashMap<>();
        o.put("member", h.member().toString());
        o.put("path", h.version().path());
        o.put("version", h.version().version());
        o.put("fileId", h.version().fileId().toString());
        o.put("sinceMs", h.sinceMs());
        o.put("lastRecordedMs", h.lastRecordedMs());
        o.put("untilMs", h.untilMs());
        return o;
    }
}

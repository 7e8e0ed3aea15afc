package io.swiftserve.admin;

import io.prometheus.metrics.core.metrics.CounterWithCallback;
import io.prometheus.metrics.core.metrics.GaugeWithCallback;
import io.prometheus.metrics.expositionformats.ExpositionFormatWriter;
import io.prometheus.metrics.expositionformats.OpenMetricsTextFormatWriter;
import io.prometheus.metrics.expositionformats.PrometheusTextFormatWriter;
import io.prometheus.metrics.instrumentation.jvm.JvmMetrics;
import io.prometheus.metrics.model.registry.PrometheusRegistry;
import io.prometheus.metrics.model.snapshots.MetricSnapshot;
import io.prometheus.metrics.model.snapshots.MetricSnapshots;
import io.prometheus.metrics.model.snapshots.Unit;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Function;
import java.util.function.ToDoubleFunction;

/**
 * The node's Prometheus metrics. Every metric is a callback over one {@link AdminApi#status()}
 * taken per scrape, so a scrape is one consistent view and costs one status call, not one per metric.
 * Each node has its own registry (tests run several nodes in one JVM). The JVM's and the process's
 * own metrics (memory, GC, threads, CPU, open files) come from the client library's instrumentation
 * in one registry per process, merged into every scrape: JvmMetrics keeps each registry it was
 * given for good, which would keep every node a test JVM ever ran reachable.
 */
public final class StatusMetrics {
    private static final PrometheusRegistry PROCESS = processRegistry();

    private final AdminApi api;
    private final PrometheusRegistry registry = new PrometheusRegistry();
    private final PrometheusTextFormatWriter text = PrometheusTextFormatWriter.create();
    private final OpenMetricsTextFormatWriter openMetrics = OpenMetricsTextFormatWriter.create();
    private Views.Status current;

    public StatusMetrics(AdminApi api) {
        this.api = api;
        GaugeWithCallback.builder()
                .name("swiftserve_node_info")
                .help("Constant 1, labelled with this node's id and network")
                .labelNames("node_id", "network_id", "network")
                .callback(cb -> cb.call(1, current.nodeId(), current.networkId(), current.networkName()))
                .register(registry);
        gauge("swiftserve_chain_height", "Height of this node's chain head", s -> s.height());
        gauge("swiftserve_members", "Members of the network at the chain head", s -> s.members());
        gauge(
                "swiftserve_peers_connected",
                "Members this node holds an authenticated session with",
                s -> s.peersConnected());
        gauge(
                "swiftserve_files",
                "Files in the network's file set",
                s -> s.filePage().total());
        gauge(
                "swiftserve_files_complete",
                "Files this node holds complete and verified",
                s -> s.transfer().filesComplete());
        counter("swiftserve_upload", Unit.BYTES, "Chunk payload bytes sent to peers", t -> t.bytesUp());
        counter("swiftserve_download", Unit.BYTES, "Chunk payload bytes received from peers", t -> t.bytesDown());
        counter("swiftserve_chunks_verified", null, "Received chunks whose SHA-256 matched", t -> t.chunksVerified());
        counter("swiftserve_chunks_failed", null, "Received chunks whose SHA-256 did not match", t -> t.chunksFailed());
        counter(
                "swiftserve_local_reuse",
                Unit.BYTES,
                "Chunk bytes taken from files on this node instead of peers (a new version's unchanged chunks)",
                t -> t.bytesLocal());
        gauge(
                "swiftserve_upload_rate_bytes_per_second",
                "Current upload rate to all peers",
                s -> s.transfer().upBytesPerSec());
        gauge(
                "swiftserve_download_rate_bytes_per_second",
                "Current download rate from all peers",
                s -> s.transfer().downBytesPerSec());
        GaugeWithCallback.builder()
                .name("swiftserve_build_info")
                .help("Constant 1, labelled with this build's version and peer protocol version")
                .labelNames("version", "protocol")
                .callback(cb -> cb.call(
                        1, io.swiftserve.net.Wire.AGENT, Integer.toString(io.swiftserve.net.Wire.PROTOCOL_VERSION)))
                .register(registry);
        // counters, not only the rate gauges below, so that rate() and increase() work per peer
        peerCounter(
                "swiftserve_peer_upload", "Bytes sent to one peer over its current session", Views.PeerRate::bytesUp);
        peerCounter(
                "swiftserve_peer_download",
                "Bytes received from one peer over its current session",
                Views.PeerRate::bytesDown);
        GaugeWithCallback.builder()
                .name("swiftserve_file_completion_ratio")
                .help("Share of a file's chunks this node holds verified (1 = complete); the first 100 files by path,"
                        + " swiftserve_files counts them all")
                .labelNames("path", "version")
                .callback(cb -> current.files()
                        .forEach(f -> cb.call(
                                f.chunks() == 0 ? 1.0 : (double) f.have() / f.chunks(),
                                f.path(),
                                Long.toString(f.version()))))
                .register(registry);
        peerGauge(
                "swiftserve_peer_upload_rate_bytes_per_second",
                "Current upload rate to one peer",
                Views.PeerRate::upBytesPerSec);
        peerGauge(
                "swiftserve_peer_download_rate_bytes_per_second",
                "Current download rate from one peer",
                Views.PeerRate::downBytesPerSec);
    }

    private void gauge(String name, String help, ToDoubleFunction<Views.Status> value) {
        GaugeWithCallback.builder()
                .name(name)
                .help(help)
                .callback(cb -> cb.call(value.applyAsDouble(current)))
                .register(registry);
    }

    private void counter(String name, Unit unit, String help, Function<Views.Transfer, Long> value) {
        var builder = CounterWithCallback.builder().name(name).help(help);
        if (unit != null) {
            builder.unit(unit);
        }
        builder.callback(cb -> cb.call(value.apply(current.transfer()))).register(registry);
    }

    private void peerGauge(String name, String help, ToDoubleFunction<Views.PeerRate> value) {
        GaugeWithCallback.builder()
                .name(name)
                .help(help)
                .labelNames("peer")
                .callback(cb -> current.peers().forEach(p -> cb.call(value.applyAsDouble(p), p.nodeId())))
                .register(registry);
    }

    private void peerCounter(String name, String help, ToDoubleFunction<Views.PeerRate> value) {
        CounterWithCallback.builder()
                .name(name)
                .help(help)
                .unit(Unit.BYTES)
                .labelNames("peer")
                .callback(cb -> current.peers().forEach(p -> cb.call(value.applyAsDouble(p), p.nodeId())))
                .register(registry);
    }

    private static PrometheusRegistry processRegistry() {
        PrometheusRegistry jvm = new PrometheusRegistry();
        JvmMetrics.builder().register(jvm);
        return jvm;
    }

    private static MetricSnapshots merged(MetricSnapshots node, MetricSnapshots process) {
        List<MetricSnapshot> all = new ArrayList<>(node.size() + process.size());
        node.forEach(all::add);
        process.forEach(all::add);
        return new MetricSnapshots(all);
    }

    /** One scrape, rendered: the body and its content type. */
    public record Exposition(String contentType, byte[] body) {}

    /** Scrapes the node once: OpenMetrics if the scraper's Accept header asks for it, else Prometheus text. */
    public synchronized Exposition scrape(String accept) throws IOException {
        ExpositionFormatWriter writer = accept != null && openMetrics.accepts(accept) ? openMetrics : text;
        current = api.status();
        try {
            ByteArrayOutputStream out = new ByteArrayOutputStream(4096);
            writer.write(out, merged(registry.scrape(), PROCESS.scrape()));
            return new Exposition(writer.getContentType(), out.toByteArray());
        } finally {
            current = null;
        }
    }
}

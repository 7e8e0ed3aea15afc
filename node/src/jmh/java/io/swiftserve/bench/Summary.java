package io.swiftserve.bench;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.File;
import java.io.IOException;
import java.util.Locale;

/**
 * Turns a JMH JSON result file into the figures that matter here: MB/s of the chunk receive path and
 * blocks/s and tx/s of block import, each as a ratio to the reference measured in the same run.
 * Benchmarks left out of the run (a filter on the command line) are left out here too.
 */
public final class Summary {
    private static final String CHUNK = ChunkReceiveBenchmark.class.getName() + ".";
    private static final String BLOCK = BlockImportBenchmark.class.getName() + ".";
    private static final double MB_PER_CHUNK = ChunkReceiveBenchmark.CHUNK_BYTES / 1e6;

    private final JsonNode results;

    private Summary(JsonNode results) {
        this.results = results;
    }

    public static void main(String[] args) throws IOException {
        if (args.length != 1) {
            System.err.println("usage: Summary JMH_RESULT.json");
            System.exit(2);
        }
        new Summary(new ObjectMapper().readTree(new File(args[0]))).print();
    }

    private void print() {
        if (results.isEmpty()) {
            System.out.println("no results");
            return;
        }
        JsonNode first = results.get(0);
        System.out.printf(
                Locale.ROOT,
                "JMH %s, %s %s; %d fork(s), %d warmup x %s, %d measured x %s; ± is JMH's 99.9%% error%n",
                first.path("jmhVersion").asText(),
                first.path("vmName").asText(),
                first.path("jdkVersion").asText(),
                first.path("forks").asInt(),
                first.path("warmupIterations").asInt(),
                first.path("warmupTime").asText(),
                first.path("measurementIterations").asInt(),
                first.path("measurementTime").asText());
        printChunkPath();
        printBlockImport();
    }

    private void printChunkPath() {
        JsonNode raw = find(CHUNK + "rawMessageDigest", null);
        if (raw == null && find(CHUNK + "verify", null) == null && find(CHUNK + "verifyAndWrite", null) == null) {
            return;
        }
        System.out.printf(Locale.ROOT, "%nchunk receive path: one 256 KiB chunk in a direct buffer, MB = 10^6 bytes%n");
        System.out.printf(Locale.ROOT, "%-50s %9s %8s %9s%n", "", "MB/s", "±", "vs raw");
        chunkLine("raw MessageDigest SHA-256 (reference)", find(CHUNK + "rawMessageDigest", null), raw);
        chunkLine("FileHasher.matches", find(CHUNK + "verify", null), raw);
        chunkLine("matches + PartialFile.writeChunk (receive path)", find(CHUNK + "verifyAndWrite", null), raw);
    }

    private void chunkLine(String label, JsonNode result, JsonNode reference) {
        if (result == null) {
            return;
        }
        JsonNode m = result.path("primaryMetric");
        System.out.printf(
                Locale.ROOT,
                "%-50s %9.0f %8s %9s%n",
                label,
                m.path("score").asDouble() * MB_PER_CHUNK,
                error(m, MB_PER_CHUNK),
                ratio(m, reference));
    }

    private void printBlockImport() {
        JsonNode verify = find(BLOCK + "ed25519Verify", null);
        JsonNode one = find(BLOCK + "importBlocks", "1");
        JsonNode many = find(BLOCK + "importBlocks", "64");
        if (verify == null && one == null && many == null) {
            return;
        }
        System.out.printf(
                Locale.ROOT,
                "%nblock import: Blockchain.importBlock on an in-memory store, %d blocks per fresh chain%n",
                BlockImportBenchmark.BLOCKS);
        System.out.printf(Locale.ROOT, "%-50s %9s %8s %9s %9s%n", "", "blocks/s", "±", "tx/s", "vs raw");
        for (JsonNode result : new JsonNode[] {one, many}) {
            if (result == null) {
                continue;
            }
            JsonNode blocks = result.path("primaryMetric");
            JsonNode txs = result.path("secondaryMetrics").path("transactions");
            String label =
                    "importBlocks, " + result.path("params").path("txPerBlock").asText() + " tx per block";
            System.out.printf(
                    Locale.ROOT,
                    "%-50s %9.0f %8s %9.0f %9s%n",
                    label,
                    blocks.path("score").asDouble(),
                    error(blocks, 1),
                    txs.path("score").asDouble(),
                    ratio(txs, verify));
        }
        if (verify != null) {
            JsonNode m = verify.path("primaryMetric");
            System.out.printf(
                    Locale.ROOT,
                    "%-50s %9s %8s %9.0f %9s%n",
                    "raw Ed25519 verify of one tx (reference), verifies/s",
                    "",
                    error(m, 1),
                    m.path("score").asDouble(),
                    "1.00");
        }
    }

    /** JMH's error, scaled; none with a single measured iteration. */
    private static String error(JsonNode metric, double scale) {
        double error = metric.path("scoreError").asDouble(Double.NaN);
        return Double.isNaN(error) ? "-" : String.format(Locale.ROOT, "%.0f", error * scale);
    }

    private static String ratio(JsonNode metric, JsonNode reference) {
        if (reference == null || metric.isMissingNode()) {
            return "-";
        }
        double base = reference.path("primaryMetric").path("score").asDouble();
        return String.format(Locale.ROOT, "%.2f", metric.path("score").asDouble() / base);
    }

    /** The result of {@code benchmark}, with that txPerBlock parameter when {@code txPerBlock} is given. */
    private JsonNode find(String benchmark, String txPerBlock) {
        for (JsonNode r : results) {
            if (r.path("benchmark").asText().equals(benchmark)
                    && (txPerBlock == null
                            || r.path("params").path("txPerBlock").asText().equals(txPerBlock))) {
                return r;
            }
        }
        return null;
    }
}

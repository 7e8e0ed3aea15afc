package io.swiftserve.status;

import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * A strict reader of the Prometheus text exposition format (version 0.0.4), enough to check what a
 * scraper would see: every line is a HELP, a TYPE or a sample; every sample belongs to a declared
 * metric family; label values are quoted; values are numbers. Anything else fails the parse.
 */
final class PrometheusText {
    private static final String NAME = "[a-zA-Z_:][a-zA-Z0-9_:]*";
    private static final Pattern HELP = Pattern.compile("# HELP (" + NAME + ") .*");
    private static final Pattern TYPE =
            Pattern.compile("# TYPE (" + NAME + ") (counter|gauge|histogram|summary|untyped)");
    private static final Pattern SAMPLE = Pattern.compile(
            "(" + NAME + ")(\\{(?:[a-zA-Z_][a-zA-Z0-9_]*=\"(?:[^\"\\\\]|\\\\.)*\",?)*})? (\\S+)( -?\\d+)?");

    private final Map<String, String> types = new HashMap<>();
    private final Map<String, Double> samples = new LinkedHashMap<>();

    private PrometheusText() {}

    static PrometheusText parse(String text) {
        PrometheusText out = new PrometheusText();
        int lineNo = 0;
        for (String line : text.split("\n", -1)) {
            lineNo++;
            Matcher m;
            if (line.isEmpty()) {
                continue;
            } else if (HELP.matcher(line).matches()) {
                continue;
            } else if ((m = TYPE.matcher(line)).matches()) {
                if (out.types.put(m.group(1), m.group(2)) != null) {
                    throw new IllegalArgumentException("line " + lineNo + ": second TYPE for " + m.group(1));
                }
            } else if ((m = SAMPLE.matcher(line)).matches()) {
                String family = out.familyOf(m.group(1));
                if (family == null) {
                    throw new IllegalArgumentException("line " + lineNo + ": sample of an undeclared metric: " + line);
                }
                String series =
                        m.group(1) + (m.group(2) == null ? "" : m.group(2).replaceAll(",}$", "}"));
                out.samples.put(series, number(m.group(3), lineNo));
            } else {
                throw new IllegalArgumentException("line " + lineNo + " is not Prometheus text format: " + line);
            }
        }
        return out;
    }

    /**
     * The TYPE-declared family a sample name belongs to: itself, without a counter's {@code _total},
     * or without a summary's or histogram's {@code _count}, {@code _sum} or {@code _bucket}.
     */
    private String familyOf(String sample) {
        if (types.containsKey(sample)) {
            return sample;
        }
        for (String suffix : new String[] {"_total", "_count", "_sum", "_bucket"}) {
            if (sample.endsWith(suffix)) {
                String base = sample.substring(0, sample.length() - suffix.length());
                String type = types.get(base);
                boolean fits = switch (suffix) {
                    case "_total" -> "counter".equals(type);
                    case "_bucket" -> "histogram".equals(type);
                    default -> "summary".equals(type) || "histogram".equals(type);
                };
                if (fits) {
                    return base;
                }
            }
        }
        return null;
    }

    private static double number(String text, int lineNo) {
        return switch (text) {
            case "NaN" -> Double.NaN;
            case "+Inf" -> Double.POSITIVE_INFINITY;
            case "-Inf" -> Double.NEGATIVE_INFINITY;
            default -> {
                try {
                    yield Double.parseDouble(text);
                } catch (NumberFormatException e) {
                    throw new IllegalArgumentException("line " + lineNo + ": not a number: " + text);
                }
            }
        };
    }

    /** The value of one series, written as in the exposition: {@code name} or {@code name{a="x",b="y"}}. */
    double value(String series) {
        Double v = samples.get(series);
        if (v == null) {
            throw new AssertionError("no series " + series + " in the exposition; it has " + samples.keySet());
        }
        return v;
    }

    /** Every series whose written form starts with {@code prefix}, with its value. */
    Map<String, Double> series(String prefix) {
        Map<String, Double> out = new LinkedHashMap<>();
        samples.forEach((k, v) -> {
            if (k.startsWith(prefix)) {
                out.put(k, v);
            }
        });
        return out;
    }

    /** The declared type of a metric family (for a counter, the name without {@code _total}). */
    String type(String family) {
        String t = types.get(family);
        if (t == null) {
            throw new AssertionError("no TYPE for " + family + "; declared: " + types);
        }
        return t;
    }
}

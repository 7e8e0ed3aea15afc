package io.swiftserve.fetch;

import io.swiftserve.fetch.OriginHttp.Response;
import java.io.IOException;
import java.io.InputStream;
import java.net.InetAddress;
import java.net.URI;
import java.net.URISyntaxException;
import java.util.HashSet;
import java.util.Locale;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * HTTP access to the origin of a fetch: the probe (size, Range support, ETag) and ranged reads.
 * Only http and https URLs, at the start and after every redirect, so a fetch never reads a local
 * file. Redirects are followed by hand (bounded, loops named), each hop connecting only to an
 * address the caller's {@link Guard} admits ({@link OriginHttp}), and 5xx/429 answers are retried
 * a bounded number of times. A read that stops flowing fails after the read timeout.
 */
final class Origin implements AutoCloseable {
    static final int MAX_REDIRECTS = 8;
    static final int ATTEMPTS = 3;
    private static final Pattern CONTENT_RANGE =
            Pattern.compile("bytes\\s+(\\d+)-(\\d+)/(\\d+|\\*)", Pattern.CASE_INSENSITIVE);
    private static final Pattern UNSATISFIED = Pattern.compile("bytes\\s+\\*/(\\d+)", Pattern.CASE_INSENSITIVE);

    private final OriginHttp http;
    private final long retryBackoffMs;

    Origin(int connectTimeoutMs, int readTimeoutMs, long retryBackoffMs) {
        this(connectTimeoutMs, readTimeoutMs, retryBackoffMs, InetAddress::getAllByName);
    }

    Origin(int connectTimeoutMs, int readTimeoutMs, long retryBackoffMs, OriginHttp.Resolver resolver) {
        this.http = new OriginHttp(connectTimeoutMs, readTimeoutMs, resolver);
        this.retryBackoffMs = retryBackoffMs;
    }

    /**
     * A failure with a one-line message; fatal = retrying elsewhere cannot help (gone, changed);
     * refused = this node may not connect there (retrying here cannot help, another member may).
     */
    static final class OriginException extends IOException {
        final boolean fatal;
        final boolean refused;

        OriginException(String message, boolean fatal) {
            this(message, fatal, false);
        }

        private OriginException(String message, boolean fatal, boolean refused) {
            super(message);
            this.fatal = fatal;
            this.refused = refused;
        }

        static OriginException refused(String message) {
            return new OriginException(message, false, true);
        }

        boolean retryable() {
            return !fatal && !refused;
        }
    }

    /**
     * What the probe learned. When the origin ignored the Range request (200), {@code body} is the
     * whole file, already flowing: the single download continues from it.
     */
    record Probe(String url, long size, boolean ranges, String etag, InputStream body) {}

    /** Checks that {@code url} is an absolute http(s) URL with a host; returns it normalised. */
    static URI checkUrl(String url) throws OriginException {
        URI uri;
        try {
            uri = new URI(url.trim());
        } catch (URISyntaxException e) {
            throw new OriginException("'" + url + "' is not a URL: " + e.getReason(), true);
        }
        String scheme = uri.getScheme() == null ? "" : uri.getScheme().toLowerCase(Locale.ROOT);
        if (!scheme.equals("http") && !scheme.equals("https")) {
            throw new OriginException("only http and https URLs can be fetched, not '" + url + "'", true);
        }
        if (uri.getHost() == null || uri.getHost().isEmpty()) {
            throw new OriginException("'" + url + "' has no host", true);
        }
        return uri;
    }

    /** GET bytes=0-0: size, Range support and ETag, following redirects. */
    Probe probe(String url, Guard guard) throws IOException {
        for (int attempt = 1; ; attempt++) {
            try {
                Response r = open(url, "bytes=0-0", guard);
                int code = r.code;
                if (code == 206) {
                    Matcher m = match(CONTENT_RANGE, r.header("Content-Range"));
                    if (m == null || m.group(3).equals("*")) {
                        // a range answer without a usable total: no way to cut the file, download it whole
                        r.close();
                        return wholeBody(r.url, guard);
                    }
                    r.drain();
                    return new Probe(r.url, Long.parseLong(m.group(3)), true, etag(r), null);
                }
                if (code == 200) {
                    return new Probe(r.url, r.contentLength(), false, etag(r), r.body());
                }
                if (code == 416) {
                    Matcher m = match(UNSATISFIED, r.header("Content-Range"));
                    r.drain();
                    if (m != null && Long.parseLong(m.group(1)) == 0) {
                        return new Probe(r.url, 0, false, etag(r), InputStream.nullInputStream());
                    }
                    throw new OriginException("the origin refused a range request for " + r.url + " (HTTP 416)", true);
                }
                throw failure(r, attempt);
            } catch (OriginException e) {
                if (!e.retryable() || attempt >= ATTEMPTS) {
                    throw e;
                }
                backoff(attempt);
            }
        }
    }

    /** A plain GET of the whole file (the single download's retry), retrying 5xx/429. */
    Probe whole(String url, Guard guard) throws IOException {
        for (int attempt = 1; ; attempt++) {
            try {
                Response r = open(url, null, guard);
                if (r.code == 200) {
                    return new Probe(r.url, r.contentLength(), false, etag(r), r.body());
                }
                throw failure(r, attempt);
            } catch (OriginException e) {
                if (!e.retryable() || attempt >= ATTEMPTS) {
                    throw e;
                }
                backoff(attempt);
            }
        }
    }

    private Probe wholeBody(String url, Guard guard) throws IOException {
        Response r = open(url, null, guard);
        if (r.code != 200) {
            throw failure(r, ATTEMPTS);
        }
        return new Probe(r.url, r.contentLength(), false, etag(r), r.body());
    }

    /**
     * Opens bytes [from, to] (inclusive) of a file of {@code size} bytes. Retries 5xx/429 and I/O
     * errors up to {@value #ATTEMPTS} times; a different total size or ETag is fatal (the file changed).
     */
    InputStream range(String url, long from, long to, long size, String etag, Guard guard) throws IOException {
        for (int attempt = 1; ; attempt++) {
            try {
                Response r = open(url, "bytes=" + from + "-" + to, guard);
                if (r.code == 206) {
                    Matcher m = match(CONTENT_RANGE, r.header("Content-Range"));
                    if (m == null) {
                        r.close();
                        throw new OriginException(
                                "the origin answered bytes " + from + "-" + to + " without a Content-Range", false);
                    }
                    if (!m.group(3).equals("*") && Long.parseLong(m.group(3)) != size) {
                        r.close();
                        throw new OriginException(
                                "the file at the origin changed size during the download (" + size + " -> " + m.group(3)
                                        + " bytes)",
                                true);
                    }
                    String now = etag(r);
                    if (!etag.isEmpty() && !now.isEmpty() && !now.equals(etag)) {
                        r.close();
                        throw new OriginException(
                                "the file at the origin changed during the download (ETag " + etag + " -> " + now + ")",
                                true);
                    }
                    if (Long.parseLong(m.group(1)) != from || Long.parseLong(m.group(2)) != to) {
                        r.close();
                        throw new OriginException(
                                "the origin answered bytes " + m.group(1) + "-" + m.group(2) + " when asked for " + from
                                        + "-" + to,
                                false);
                    }
                    return r.body();
                }
                if (r.code == 416) {
                    r.drain();
                    throw new OriginException(
                            "the file at the origin changed size during the download (bytes " + from + "-" + to
                                    + " are no longer there)",
                            true);
                }
                if (r.code == 200) {
                    r.close();
                    throw new OriginException("the origin ignored a Range request for bytes " + from + "-" + to, false);
                }
                throw failure(r, attempt);
            } catch (OriginException e) {
                if (!e.retryable() || attempt >= ATTEMPTS) {
                    throw e;
                }
                backoff(attempt);
            } catch (IOException e) {
                if (attempt >= ATTEMPTS) {
                    throw new OriginException(
                            "cannot read bytes " + from + "-" + to + " of " + url + ": " + oneLine(e), false);
                }
                backoff(attempt);
            }
        }
    }

    private static Matcher match(Pattern p, String header) {
        Matcher m = header == null ? null : p.matcher(header.trim());
        return m != null && m.matches() ? m : null;
    }

    /** The error for a status that is neither data nor redirect; 5xx and 429 are retryable until the last attempt. */
    private static OriginException failure(Response r, int attempt) {
        int code = r.code;
        String reason =
                "the origin answered HTTP " + code + (r.message.isEmpty() ? "" : " " + r.message) + " for " + r.url;
        r.drain();
        boolean retryable = code >= 500 || code == 429 || code == 408;
        if (retryable && attempt >= ATTEMPTS) {
            return new OriginException(reason + " (" + attempt + " attempts)", true);
        }
        return new OriginException(reason, !retryable);
    }

    private void backoff(int attempt) throws OriginException {
        try {
            Thread.sleep(retryBackoffMs << (attempt - 1));
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new OriginException("interrupted", true);
        }
    }

    private static String etag(Response r) {
        String e = r.header("ETag");
        return e == null ? "" : e.trim();
    }

    static String oneLine(Throwable e) {
        if (e == null) {
            return "no address to try";
        }
        String m = e.getMessage();
        return m == null || m.isBlank() ? e.getClass().getSimpleName() : io.swiftserve.util.LogText.escape(m);
    }

    /** One GET (with an optional Range), following up to {@value #MAX_REDIRECTS} redirects to http(s) URLs, each hop guarded. */
    private Response open(String url, String range, Guard guard) throws IOException {
        Set<String> seen = new HashSet<>();
        String current = url;
        for (int hop = 0; ; hop++) {
            URI uri = checkUrl(current);
            if (!seen.add(uri.toString())) {
                throw new OriginException("redirect loop: " + current + " redirects back to itself", true);
            }
            Response r;
            try {
                r = http.get(uri, range, guard);
            } catch (OriginException e) {
                if (e.refused && hop > 0) {
                    throw OriginException.refused("refusing a redirect to " + current + ": " + e.getMessage());
                }
                throw e;
            } catch (IllegalArgumentException e) {
                throw new OriginException("'" + current + "' is not a usable URL: " + oneLine(e), true);
            }
            int code = r.code;
            if (code >= 300 && code < 400 && code != 304) {
                String location = r.header("Location");
                r.drain();
                if (location == null || location.isBlank()) {
                    throw new OriginException(
                            "the origin answered HTTP " + code + " without a Location for " + current, true);
                }
                if (hop + 1 > MAX_REDIRECTS) {
                    throw new OriginException(
                            "too many redirects (more than " + MAX_REDIRECTS + ") starting at " + url, true);
                }
                try {
                    current = uri.resolve(location.trim()).toString();
                } catch (IllegalArgumentException e) {
                    throw new OriginException("bad redirect from " + current + " to '" + location + "'", true);
                }
                checkRedirect(current);
                continue;
            }
            return r;
        }
    }

    private static void checkRedirect(String target) throws OriginException {
        try {
            checkUrl(target);
        } catch (OriginException e) {
            throw new OriginException(
                    "refusing a redirect to " + target + ": only http and https URLs can be fetched", true);
        }
    }

    @Override
    public void close() {
        http.close();
    }
}

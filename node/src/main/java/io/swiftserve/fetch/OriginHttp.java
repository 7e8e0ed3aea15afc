package io.swiftserve.fetch;

import io.swiftserve.fetch.Origin.OriginException;
import java.io.FilterInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.net.InetAddress;
import java.net.URI;
import java.net.UnknownHostException;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.TimeUnit;
import org.apache.hc.client5.http.DnsResolver;
import org.apache.hc.client5.http.classic.methods.HttpGet;
import org.apache.hc.client5.http.config.ConnectionConfig;
import org.apache.hc.client5.http.config.RequestConfig;
import org.apache.hc.client5.http.impl.classic.CloseableHttpClient;
import org.apache.hc.client5.http.impl.classic.HttpClients;
import org.apache.hc.client5.http.impl.io.PoolingHttpClientConnectionManagerBuilder;
import org.apache.hc.core5.http.ClassicHttpResponse;
import org.apache.hc.core5.http.Header;
import org.apache.hc.core5.http.HttpEntity;
import org.apache.hc.core5.http.HttpHost;
import org.apache.hc.core5.io.CloseMode;
import org.apache.hc.core5.io.ModalCloseable;

/**
 * One HTTP GET to an address checked before the connection is made (Apache HttpClient 5, classic).
 * The host is resolved here, once; the {@link Guard} picks the addresses that may be used; the
 * request then goes to exactly that address ({@code HttpHost} with the address set, so the client
 * does not look the name up again), while the Host header, TLS SNI and certificate check keep the
 * name. A DNS answer that changes between check and connect (rebinding) therefore cannot move the
 * connection. The client's own resolver refuses every name: no path inside it can connect to an
 * address this class did not check. No proxy, no automatic redirects or retries, no cookies.
 */
final class OriginHttp implements AutoCloseable {
    /** Name to addresses; the system resolver by default, a fixed table in tests. */
    interface Resolver {
        InetAddress[] resolve(String host) throws UnknownHostException;
    }

    private static final DnsResolver REFUSE_ALL = new DnsResolver() {
        @Override
        public InetAddress[] resolve(String host) throws UnknownHostException {
            throw new UnknownHostException(host + ": a fetch connects only to an address checked for it");
        }

        @Override
        public String resolveCanonicalHostname(String host) throws UnknownHostException {
            throw new UnknownHostException(host);
        }
    };

    private final CloseableHttpClient client;
    private final Resolver resolver;

    OriginHttp(int connectTimeoutMs, int readTimeoutMs, Resolver resolver) {
        this.resolver = resolver;
        ConnectionConfig connection = ConnectionConfig.custom()
                .setConnectTimeout(connectTimeoutMs, TimeUnit.MILLISECONDS)
                .setSocketTimeout(readTimeoutMs, TimeUnit.MILLISECONDS)
                .build();
        this.client = HttpClients.custom()
                .setConnectionManager(PoolingHttpClientConnectionManagerBuilder.create()
                        .setDnsResolver(REFUSE_ALL)
                        .setDefaultConnectionConfig(connection)
                        .setMaxConnPerRoute(32)
                        .setMaxConnTotal(128)
                        .build())
                .setDefaultRequestConfig(RequestConfig.custom()
                        .setRedirectsEnabled(false)
                        .setResponseTimeout(readTimeoutMs, TimeUnit.MILLISECONDS)
                        .setConnectionRequestTimeout(connectTimeoutMs, TimeUnit.MILLISECONDS)
                        .build())
                .disableRedirectHandling()
                .disableAutomaticRetries()
                .disableCookieManagement()
                .disableContentCompression()
                .disableAuthCaching()
                .setUserAgent(io.swiftserve.net.Wire.AGENT)
                .build();
    }

    /** GET {@code uri} (with {@code Range: range} unless null) at an address {@code guard} admits; tries each in turn. */
    Response get(URI uri, String range, Guard guard) throws IOException {
        String host = uri.getHost();
        String bare = host.startsWith("[") && host.endsWith("]") ? host.substring(1, host.length() - 1) : host;
        InetAddress[] all;
        try {
            all = resolver.resolve(bare);
        } catch (UnknownHostException e) {
            throw new OriginException("unknown host " + host, false);
        }
        List<InetAddress> usable = guard.admit(bare, all);
        String scheme = uri.getScheme().toLowerCase(Locale.ROOT);
        int port = uri.getPort() >= 0 ? uri.getPort() : scheme.equals("https") ? 443 : 80;
        IOException last = null;
        for (InetAddress address : usable) {
            HttpGet get = new HttpGet(uri);
            get.setHeader("Accept-Encoding", "identity");
            if (range != null) {
                get.setHeader("Range", range);
            }
            try {
                ClassicHttpResponse r = client.executeOpen(new HttpHost(scheme, address, bare, port), get, null);
                return new Response(get, r, uri.toString());
            } catch (IOException e) {
                last = e;
            }
        }
        throw new OriginException("cannot reach " + host + ": " + Origin.oneLine(last), false);
    }

    @Override
    public void close() {
        client.close(CloseMode.IMMEDIATE);
    }

    /** An answer whose body, closed before its end, drops the connection instead of reading the rest. */
    static final class Response {
        final int code;
        final String message;
        final String url;
        private final HttpGet request;
        private final ClassicHttpResponse response;
        private InputStream body;

        private Response(HttpGet request, ClassicHttpResponse response, String url) {
            this.request = request;
            this.response = response;
            this.code = response.getCode();
            this.message = response.getReasonPhrase() == null ? "" : response.getReasonPhrase();
            this.url = url;
        }

        String header(String name) {
            Header h = response.getFirstHeader(name);
            return h == null ? null : h.getValue();
        }

        /** -1 when unknown. */
        long contentLength() {
            HttpEntity e = response.getEntity();
            return e == null ? 0 : e.getContentLength();
        }

        InputStream body() throws IOException {
            if (body == null) {
                HttpEntity e = response.getEntity();
                body = e == null ? InputStream.nullInputStream() : new Body(e.getContent(), e.getContentLength());
            }
            return body;
        }

        /** Reads what is left if it is small (the connection is reused), else drops the connection. */
        void drain() {
            try (InputStream in = body()) {
                byte[] buf = new byte[8192];
                long left = 1 << 16;
                for (int n; left > 0 && (n = in.read(buf)) > 0; ) {
                    left -= n;
                }
            } catch (IOException ignored) {
                // nothing to reuse
            }
        }

        void close() {
            try {
                body().close();
            } catch (IOException ignored) {
                // closing
            }
        }

        /** Drops the connection: cancelling the request shuts its socket, so nothing more is read. */
        private void abort() {
            request.cancel();
            if (response instanceof ModalCloseable m) {
                m.close(CloseMode.IMMEDIATE);
            } else {
                try {
                    response.close();
                } catch (IOException ignored) {
                    // the socket is gone already
                }
            }
        }

        /** Ended = read to its end (or its announced length): only then is closing cheap and the connection reusable. */
        private final class Body extends FilterInputStream {
            private final long length;
            private long read;
            private boolean ended;

            Body(InputStream in, long length) {
                super(in == null ? InputStream.nullInputStream() : in);
                this.length = length;
            }

            @Override
            public int read() throws IOException {
                int b = super.read();
                count(b < 0 ? -1 : 1);
                return b;
            }

            @Override
            public int read(byte[] b, int off, int len) throws IOException {
                int n = super.read(b, off, len);
                count(n);
                return n;
            }

            private void count(int n) {
                if (n < 0) {
                    ended = true;
                } else {
                    read += n;
                    ended |= length >= 0 && read >= length;
                }
            }

            @Override
            public void close() throws IOException {
                if (ended) {
                    super.close();
                } else {
                    abort();
                }
            }
        }
    }
}

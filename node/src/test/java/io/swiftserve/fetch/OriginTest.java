package io.swiftserve.fetch;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.InputStream;
import java.net.InetAddress;
import java.net.UnknownHostException;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.Map;
import java.util.SplittableRandom;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** HTTP access to the origin: probe, ranges, and every way it can go wrong, each with a one-line reason. */
@Timeout(value = 20, unit = TimeUnit.SECONDS)
class OriginTest {
    private final byte[] content = new byte[3 * 1024 * 1024 + 17];
    private TestOrigin server;
    private final Origin origin = new Origin(2_000, 5_000, 10);
    /** As a helper with the test cluster's allow-list: the test origin's 127.0.0.2 stands in for a public address. */
    private final Guard guard = Guard.helper(FetchTargets.allowing(TestOrigin.ALLOW));

    @BeforeEach
    void start() throws Exception {
        new SplittableRandom(1).nextBytes(content);
        server = new TestOrigin(content);
    }

    @AfterEach
    void stop() {
        server.close();
        origin.close();
    }

    @Test
    void probeLearnsSizeAndRangeSupportAndRangesReturnExactlyTheBytes() throws Exception {
        Origin.Probe p = origin.probe(server.url("/moved.bin"), guard);
        assertThat(p.ranges()).isTrue();
        assertThat(p.size()).isEqualTo(content.length);
        assertThat(p.url())
                .as("the redirect is resolved once, for every helper")
                .endsWith("/file.bin");
        try (InputStream in = origin.range(p.url(), 1000, 1999, content.length, p.etag(), guard)) {
            assertThat(in.readAllBytes()).isEqualTo(Arrays.copyOfRange(content, 1000, 2000));
        }
    }

    @Test
    void withoutRangeSupportTheProbeBodyIsTheWholeFile() throws Exception {
        server.ranges = false;
        Origin.Probe p = origin.probe(server.url(), guard);
        assertThat(p.ranges()).isFalse();
        try (InputStream in = p.body()) {
            assertThat(in.readAllBytes()).isEqualTo(content);
        }
    }

    @Test
    void notFoundRedirectLoopsAndNonHttpTargetsFailFatallyWithAClearReason() {
        assertThatThrownBy(() -> origin.probe(server.url("/missing.bin"), guard))
                .isInstanceOf(Origin.OriginException.class)
                .hasMessageContaining("HTTP 404");
        assertThatThrownBy(() -> origin.probe(server.url("/loop-a"), guard))
                .isInstanceOf(Origin.OriginException.class)
                .hasMessageContaining("redirect loop");
        assertThatThrownBy(() -> origin.probe(server.url("/to-file"), guard))
                .isInstanceOf(Origin.OriginException.class)
                .hasMessageContaining("only http and https");
        assertThatThrownBy(() -> Origin.checkUrl("file:///etc/passwd"))
                .isInstanceOf(Origin.OriginException.class)
                .hasMessageContaining("only http and https");
    }

    @Test
    void serverErrorsAreRetriedABoundedNumberOfTimes() throws Exception {
        server.failNext.set(2);
        assertThat(origin.probe(server.url(), guard).size()).isEqualTo(content.length);
        server.failNext.set(Origin.ATTEMPTS);
        assertThatThrownBy(() -> origin.probe(server.url(), guard))
                .isInstanceOf(Origin.OriginException.class)
                .hasMessageContaining("HTTP 503")
                .hasMessageContaining("3 attempts");
    }

    @Test
    void aSizeChangeMidDownloadIsFatal() throws Exception {
        Origin.Probe p = origin.probe(server.url(), guard);
        server.content = Arrays.copyOf(content, content.length - 100);
        assertThatThrownBy(() -> origin.range(p.url(), 0, 999, p.size(), p.etag(), guard))
                .isInstanceOf(Origin.OriginException.class)
                .hasMessageContaining("changed size")
                .matches(e -> ((Origin.OriginException) e).fatal);
    }

    @Test
    void aNameIsLookedUpForEveryConnectionAndOnlyTheCheckedAddressIsUsedSoRebindingCannotReachInside()
            throws Exception {
        Map<String, InetAddress[]> dns = new ConcurrentHashMap<>();
        OriginHttp.Resolver resolver = host -> {
            InetAddress[] a = dns.get(host);
            if (a == null) {
                throw new UnknownHostException(host);
            }
            return a;
        };
        InetAddress outside = InetAddress.getByName("127.0.0.2");
        InetAddress inside = InetAddress.getByName("127.0.0.3");
        try (TestOrigin internal =
                        new TestOrigin("internal".getBytes(StandardCharsets.UTF_8), "127.0.0.3", server.port());
                Origin o = new Origin(2_000, 5_000, 10, resolver)) {
            String url = "http://origin.test:" + server.port() + "/file.bin";
            dns.put("origin.test", new InetAddress[] {outside});
            Origin.Probe p = o.probe(url, guard);
            assertThat(server.lastHost)
                    .as("Host header sent to the pinned address")
                    .isEqualTo("origin.test:" + server.port());
            dns.put("origin.test", new InetAddress[] {inside}); // the name now answers with an internal address
            assertThatThrownBy(() -> o.range(p.url(), 0, 999, p.size(), p.etag(), guard))
                    .isInstanceOf(Origin.OriginException.class)
                    .hasMessageContaining("origin.test: 127.0.0.3 is a loopback address")
                    .matches(e -> ((Origin.OriginException) e).refused);
            dns.put("origin.test", new InetAddress[] {inside, outside}); // both kinds: only the allowed one is used
            try (InputStream in = o.range(p.url(), 0, 999, p.size(), p.etag(), guard)) {
                assertThat(in.readAllBytes()).isEqualTo(Arrays.copyOf(content, 1000));
            }
            System.out.printf(
                    "[OriginTest] origin.test rebound from 127.0.0.2 to 127.0.0.3 between requests: refused; answered with both: "
                            + "served from 127.0.0.2; requests that reached 127.0.0.3: %d%n",
                    internal.requests.get());
            assertThat(internal.requests.get()).isZero();
        }
    }

    @Test
    void theRequesterMayFetchTheAddressItsOperatorTypedButIsNotRedirectedToAnotherInternalOne() throws Exception {
        try (TestOrigin mirror = new TestOrigin(content, "127.0.0.3");
                TestOrigin other =
                        new TestOrigin("another internal service".getBytes(StandardCharsets.UTF_8), "127.0.0.4")) {
            Guard requester = Guard.requester(FetchTargets.publicOnly(), mirror.url());
            assertThat(origin.probe(mirror.url("/moved.bin"), requester).size())
                    .as("a redirect on the typed address")
                    .isEqualTo(content.length);
            mirror.redirectTo = other.url();
            assertThatThrownBy(() -> origin.probe(mirror.url("/redirect"), requester))
                    .hasMessageContaining("refusing a redirect to " + other.url())
                    .hasMessageContaining("127.0.0.4 is a loopback address");
            assertThatThrownBy(() -> origin.probe(mirror.url(), Guard.helper(FetchTargets.publicOnly())))
                    .as("a helper, for someone else")
                    .hasMessageContaining("127.0.0.3 is a loopback address");
            assertThat(other.requests.get()).isZero();
        }
    }

    @Test
    void aBodyClosedBeforeItsEndDropsTheConnectionInsteadOfReadingTheRest() throws Exception {
        byte[] big = new byte[64 << 20];
        server.content = big;
        server.bytesPerSecond = 8L << 20;
        Origin.Probe p = origin.probe(server.url(), guard);
        long t0 = System.nanoTime();
        try (InputStream in = origin.range(p.url(), 0, big.length - 1, big.length, p.etag(), guard)) {
            assertThat(in.readNBytes(1000)).hasSize(1000);
        }
        double seconds = (System.nanoTime() - t0) / 1e9;
        assertThat(seconds)
                .as("closing a 64 MiB body at 8 MiB/s after 1000 bytes")
                .isLessThan(2.0);
    }
}

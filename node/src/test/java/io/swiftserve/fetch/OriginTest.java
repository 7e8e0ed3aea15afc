package io.swiftserve.fetch;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.InputStream;
import java.util.Arrays;
import java.util.SplittableRandom;
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
        assertThat(p.url()).as("the redirect is resolved once, for every helper").endsWith("/file.bin");
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
                .isInstanceOf(Origin.OriginException.class).hasMessageContaining("HTTP 404");
        assertThatThrownBy(() -> origin.probe(server.url("/loop-a"), guard))
                .isInstanceOf(Origin.OriginException.class).hasMessageContaining("redirect loop");
        assertThatThrownBy(() -> origin.probe(server.url("/to-file"), guard))
                .isInstanceOf(Origin.OriginException.class).hasMessageContaining("only http and https");
        assertThatThrownBy(() -> Origin.checkUrl("file:///etc/passwd"))
                .isInstanceOf(Origin.OriginException.class).hasMessageContaining("only http and https");
    }

    @Test
    void serverErrorsAreRetriedABoundedNumberOfTimes() throws Exception {
        server.failNext.set(2);
        assertThat(origin.probe(server.url(), guard).size()).isEqualTo(content.length);
        server.failNext.set(Origin.ATTEMPTS);
        assertThatThrownBy(() -> origin.probe(server.url(), guard))
                .isInstanceOf(Origin.OriginException.class).hasMessageContaining("HTTP 503").hasMessageContaining("3 attempts");
    }

    @Test
    void aSizeChangeMidDownloadIsFatal() throws Exception {
        Origin.Probe p = origin.probe(server.url(), guard);
        server.content = Arrays.copyOf(content, content.length - 100);
        assertThatThrownBy(() -> origin.range(p.url(), 0, 999, p.size(), p.etag(), guard))
                .isInstanceOf(Origin.OriginException.class).hasMessageContaining("changed size")
                .matches(e -> ((Origin.OriginException) e).fatal);
    }
}

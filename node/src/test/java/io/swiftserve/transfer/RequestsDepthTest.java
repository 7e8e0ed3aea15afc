package io.swiftserve.transfer;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** How deep the request pipeline to a peer is, from the rate it delivers at (Requests.depth). */
@Timeout(value = 10, unit = TimeUnit.SECONDS)
class RequestsDepthTest {
    private static final int KIB = 1024;

    @Test
    void oneOfSevenSendersAt100MbitGetsAChunkOnTheWireAndOneBehindIt() {
        // 12.5 MB/s shared by 7 senders: 1.8 MB/s, a tenth of a second of it is 1.37 chunks of 128 KiB
        assertThat(Requests.depth(1.8e6, 128 * KIB)).isEqualTo(2);
        assertThat(Requests.depth(1.8e6, 256 * KIB)).isEqualTo(2);
    }

    @Test
    void aFastPeerGetsItsTenthOfASecondToTheNearestChunkPlusOne() {
        // 40 MB/s of 512 KiB chunks: 7.6 chunks in a tenth of a second
        assertThat(Requests.depth(40e6, 512 * KIB)).isEqualTo(9);
        // 110 MB/s (a whole 1 Gbit/s link) of 128 KiB chunks: 83.9
        assertThat(Requests.depth(110e6, 128 * KIB)).isEqualTo(85);
    }

    @Test
    void anUnmeasuredPeerGetsOneAndTheCallersMinimumDecides() {
        assertThat(Requests.depth(0, 128 * KIB)).isEqualTo(1);
    }

    @Test
    void theDepthIsBounded() {
        assertThat(Requests.depth(10e9, 128 * KIB)).isEqualTo(Requests.MAX_DEPTH);
    }
}

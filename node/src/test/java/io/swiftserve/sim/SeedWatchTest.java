package io.swiftserve.sim;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import org.junit.jupiter.api.Test;

class SeedWatchTest {
    private final SimNet net = new SimNet(new SimScheduler(), 100e6, 100_000, SimNet.ETHERNET);
    private final SimNet.Host seed = net.host("10.0.0.0");
    private final SimNet.Host a = net.host("10.0.0.1");
    private final SimNet.Host b = net.host("10.0.0.2");

    @Test
    void theSeedPhaseEndsWhenEveryChunkLeftTheSeedOnceAndCountsWhatEachReceiverLacked() {
        SeedWatch watch = new SeedWatch(seed, 3, List.of(seed, a, b));
        watch.delivered(seed, a, 0, 10);
        watch.delivered(a, b, 0, 20);
        watch.delivered(seed, b, 1, 30);
        // a second copy from the seed is no new chunk
        watch.delivered(seed, a, 1, 35);
        assertThat(watch.phase()).isNull();

        watch.delivered(seed, a, 2, 40);
        assertThat(watch.phase()).isEqualTo(new SeedWatch.SeedPhase(40, 0, 1));

        // later deliveries do not move it
        watch.delivered(a, b, 2, 50);
        assertThat(watch.phase()).isEqualTo(new SeedWatch.SeedPhase(40, 0, 1));
    }
}

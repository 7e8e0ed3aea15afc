package io.swiftserve.transfer;

import static org.assertj.core.api.Assertions.assertThat;

import io.swiftserve.chain.FileEntry;
import io.swiftserve.chain.Hash;
import io.swiftserve.identity.NodeId;
import io.swiftserve.identity.NodeKey;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/** A ban drops a peer from one file's swarm for a while, never for the rest of the download. */
class DownloadBansTest {
    private final Download d = Download.complete(
            new FileEntry(
                    "f.bin", Hash.of(new byte[32]), 1, 10, ChunkLayout.MIN_CHUNK_SIZE, Hash.of(new byte[32]), null, 2),
            ChunkLayout.of(10, ChunkLayout.MIN_CHUNK_SIZE),
            null);
    private final NodeId liar = NodeKey.generate().id();
    private final NodeId refuser = NodeKey.generate().id();

    @Test
    void aBanHoldsUntilItsDeadlineAndThenTheExpiryReturnsThePeerOnce() {
        d.ban(liar, TimeUnit.MINUTES.toNanos(5));
        d.ban(refuser, 0);

        assertThat(d.isBanned(liar)).isTrue();
        assertThat(d.isBanned(refuser)).isFalse();
        assertThat(d.banned()).containsExactly(liar);
        assertThat(d.expireBans()).containsExactly(refuser);
        assertThat(d.expireBans()).isEmpty();
        assertThat(d.banned()).containsExactly(liar);
    }

    @Test
    void aLongerBanIsNotShortenedByALaterShortOne() {
        d.ban(liar, TimeUnit.MINUTES.toNanos(5));
        d.ban(liar, 0);
        assertThat(d.isBanned(liar)).isTrue();
        assertThat(d.expireBans()).isEmpty();
    }
}

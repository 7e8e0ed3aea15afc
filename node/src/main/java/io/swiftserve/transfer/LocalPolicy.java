package io.swiftserve.transfer;

import java.time.Duration;

/**
 * What a node does with its share directory's local changes and its replaced versions.
 * {@code onChange}: a copy edited or deleted here is kept aside and the network's version restored
 * ({@link OnChange#KEEP_ASIDE}), or the edit stays in place, unserved ({@link OnChange#KEEP_LOCAL}).
 * {@code scanEvery}: how often every file's size and modification time are compared with what the
 * node wrote (the directory watch usually sees a change sooner). Replaced and deleted versions are
 * kept {@code keepVersions} (null: forever) and in all at most {@code versionsMaxBytes} (0: no cap).
 */
public record LocalPolicy(OnChange onChange, Duration scanEvery, Duration keepVersions, long versionsMaxBytes) {
    public enum OnChange {
        KEEP_ASIDE,
        KEEP_LOCAL
    }

    public static final LocalPolicy DEFAULT =
            new LocalPolicy(OnChange.KEEP_ASIDE, Duration.ofSeconds(10), Duration.ofDays(30), 0);

    public LocalPolicy {
        onChange = onChange == null ? OnChange.KEEP_ASIDE : onChange;
        scanEvery = scanEvery == null ? Duration.ofSeconds(10) : scanEvery;
    }

    public LocalPolicy withOnChange(OnChange o) {
        return new LocalPolicy(o, scanEvery, keepVersions, versionsMaxBytes);
    }

    public LocalPolicy withScanEvery(Duration d) {
        return new LocalPolicy(onChange, d, keepVersions, versionsMaxBytes);
    }

    public LocalPolicy withVersions(Duration keep, long maxBytes) {
        return new LocalPolicy(onChange, scanEvery, keep, maxBytes);
    }
}

package io.swiftserve.transfer;

import io.swiftserve.net.PeerSession;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/** Upload rate to each peer, from the bytes written to it; sampled once a second. */
final class UpRates {
    private final Map<PeerSession, TransferStats.Rate> rates = new ConcurrentHashMap<>();

    void add(PeerSession s) {
        rates.put(s, new TransferStats.Rate());
    }

    double of(PeerSession s) {
        return rates.computeIfAbsent(s, k -> new TransferStats.Rate()).perSecond();
    }

    void sample() {
        rates.keySet().removeIf(s -> !s.isOpen());
        rates.forEach((s, r) -> r.sample(s.bytesOut().get()));
    }
}

package io.swiftserve.transfer;

import io.swiftserve.chain.FileEntry;
import io.swiftserve.chain.Hash;
import io.swiftserve.chain.InvalidException;
import io.swiftserve.chain.Manifest;
import io.swiftserve.identity.NodeId;
import io.swiftserve.net.PeerNetwork;
import io.swiftserve.net.PeerSession;
import io.swiftserve.util.Ambient;
import io.swiftserve.util.LogText;
import java.util.ArrayList;
import java.util.Collections;
import java.util.Comparator;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Consumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Gets the manifests the chain names but this node lacks: asks one member at a time, the version's
 * publisher first, moves on to another when the answer is "not held" or does not come within
 * {@link #ASK_MS}, and checks every
 * answer against the hash on the chain. A peer that sends bytes of another hash is disconnected,
 * as one that sends a corrupt chunk is banned: it is lying or broken. Serves its own manifests to
 * whoever asks. Transfer thread only.
 */
final class ManifestExchange {
    private static final Logger log = LoggerFactory.getLogger(ManifestExchange.class);
    static final long ASK_MS = 3_000;

    private final Manifests manifests;
    private final PeerNetwork network;
    /** Opens the versions a manifest was wanted for: only those, so F arrivals cost F, not F × F. */
    private final Consumer<List<FileEntry>> arrived;

    private final Map<Hash, Wanted> wanted = new HashMap<>();
    /** Manifests that contradict their FileAdd: never asked for again. */
    private final Set<Hash> unusable = new HashSet<>();
    /**
     * Manifests a publisher pushed before this node wanted them ({@link ManifestPush}): they travel
     * ahead of their block, which the chain thread has then not applied yet. Members only, each
     * up to {@link ManifestPush#MAX_BYTES}, the oldest dropped past {@link #OFFERS_KEPT}; checked
     * against the chain's hash only when wanted, like any answer.
     */
    private final Map<Hash, Offer> offered = new LinkedHashMap<>(16, 0.75f, false) {
        @Override
        protected boolean removeEldestEntry(Map.Entry<Hash, Offer> eldest) {
            return size() > OFFERS_KEPT;
        }
    };

    static final int OFFERS_KEPT = 16;

    private record Offer(PeerSession from, byte[] bytes) {}

    /** GetManifest messages sent since start (tests and benchmarks compare it with the manifests fetched). */
    final AtomicLong asks = new AtomicLong();

    private static final class Wanted {
        final List<FileEntry> entries = new ArrayList<>();
        final Set<NodeId> asked = new HashSet<>();
        long askedAtMs;
    }

    ManifestExchange(Manifests manifests, PeerNetwork network, Consumer<List<FileEntry>> arrived) {
        this.manifests = manifests;
        this.network = network;
        this.arrived = arrived;
    }

    /** Notes that {@code entry} waits for its manifest; asks a peer at once if nobody was asked yet. */
    void want(FileEntry entry) {
        if (unusable.contains(entry.manifest())) {
            return;
        }
        Wanted w = wanted.computeIfAbsent(entry.manifest(), h -> new Wanted());
        if (w.entries.stream().noneMatch(e -> e.fileId().equals(entry.fileId()))) {
            w.entries.add(entry);
        }
        if (w.askedAtMs != 0) {
            return;
        }
        Offer offer = offered.remove(entry.manifest());
        if (offer != null && offer.from().isOpen()) {
            w.askedAtMs = Ambient.currentTimeMillis();
            onData(offer.from(), new SwarmInbound.ManifestReply(entry.manifest(), offer.bytes()));
        } else {
            ask(entry.manifest(), w);
        }
    }

    /** Forgets what the ledger no longer has. */
    void retain(Set<Hash> fileIds) {
        wanted.values().forEach(w -> w.entries.removeIf(e -> !fileIds.contains(e.fileId())));
        wanted.values().removeIf(w -> w.entries.isEmpty());
    }

    /** Asks again where an answer is overdue. */
    void tick() {
        long now = Ambient.currentTimeMillis();
        wanted.forEach((hash, w) -> {
            if (now - w.askedAtMs >= ASK_MS) {
                ask(hash, w);
            }
        });
    }

    /**
     * The publisher is the one member sure to hold the manifest while its block is new. Asked first,
     * a random member mostly answered "not held", each answer a round trip through busy event loops:
     * on a cold 16-host LAN the manifest came 0.3–0.9 s after the block.
     */
    private void ask(Hash hash, Wanted w) {
        List<PeerSession> peers = new ArrayList<>(
                network.sessions().stream().filter(PeerSession::isMember).toList());
        if (peers.isEmpty()) {
            return;
        }
        Collections.shuffle(peers, Ambient.random());
        Set<NodeId> publishers = new HashSet<>();
        w.entries.forEach(e -> publishers.add(e.addedBy()));
        PeerSession to = peers.stream()
                .filter(p -> !w.asked.contains(p.peer()))
                .min(Comparator.comparing(p -> publishers.contains(p.peer()) ? 0 : 1))
                .orElse(null);
        if (to == null) {
            // everyone was asked once: start another round (the publisher may have been offline)
            w.asked.clear();
            to = peers.get(0);
        }
        w.asked.add(to.peer());
        w.askedAtMs = Ambient.currentTimeMillis();
        asks.incrementAndGet();
        to.send(SwarmMessages.getManifest(hash));
    }

    void onGet(PeerSession from, Hash hash) {
        from.send(SwarmMessages.manifestData(hash, manifests.raw(hash).orElse(null)));
    }

    void onData(PeerSession from, SwarmInbound.ManifestReply data) {
        Hash hash = data.manifest();
        Wanted w = wanted.get(hash);
        if (w == null) {
            if (data.bytes().length > 0 && data.bytes().length <= ManifestPush.MAX_BYTES && from.isMember()) {
                offered.put(hash, new Offer(from, data.bytes()));
            }
            return;
        }
        if (data.bytes().length == 0) {
            ask(hash, w);
            return;
        }
        Manifest manifest;
        try {
            manifest = Manifest.parse(data.bytes(), hash);
        } catch (InvalidException e) {
            log.warn(
                    "disconnecting {}: it sent a manifest that is not the one the chain names ({})",
                    from,
                    LogText.escape(e.getMessage()));
            from.close("sent a manifest that does not match its hash");
            ask(hash, w);
            return;
        }
        wanted.remove(hash);
        for (FileEntry entry : w.entries) {
            try {
                manifest.check(entry);
            } catch (InvalidException e) {
                // the publisher signed a FileAdd whose manifest contradicts it: no copy can ever be verified
                log.warn(
                        "{} v{} cannot be fetched: its manifest does not match its FileAdd ({})",
                        LogText.escape(entry.path()),
                        entry.version(),
                        LogText.escape(e.getMessage()));
                unusable.add(hash);
                return;
            }
        }
        manifests.put(manifest);
        log.debug("manifest {} ({} bytes) from {}", hash.shortHex(), manifest.byteSize(), from);
        arrived.accept(w.entries);
    }
}

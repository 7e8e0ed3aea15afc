package io.swiftserve.fetch;

import io.swiftserve.chain.Hash;
import io.swiftserve.net.PeerSession;
import io.swiftserve.transfer.ChunkLayout;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Who works on one collaborative fetch and what they are told: enlists helpers, turns the plan's
 * decisions into FetchAssign/FetchCancel frames (or calls on this node's own {@link RangeWorker}),
 * and finds the worker behind a session. Not thread-safe on its own: every call holds the lock of
 * the {@link FetchJob} it belongs to, the same lock that guards the plan.
 */
final class FetchCrew {
    /** The lines keep the logger they had before this class was split out of FetchJob. */
    private static final Logger log = LoggerFactory.getLogger(FetchJob.class);

    private final Hash id;
    private final FetchService service;
    private final int helpersWanted;
    private final FetchJob.Who me;
    private final List<FetchJob.Who> helpers = new ArrayList<>();
    private FetchPlan<FetchJob.Who> plan;
    private RangeWorker local;
    private String source = "";
    private ChunkLayout layout;
    private String etag = "";

    FetchCrew(Hash id, FetchService service, int helpersWanted, FetchJob.Who me) {
        this.id = id;
        this.service = service;
        this.helpersWanted = helpersWanted;
        this.me = me;
    }

    FetchJob.Who me() {
        return me;
    }

    List<FetchJob.Who> helpers() {
        return helpers;
    }

    /** The collaborative download begins: the plan to follow and what every assignment names. */
    void begin(FetchPlan<FetchJob.Who> plan, String source, ChunkLayout layout, String etag) {
        this.plan = plan;
        this.source = source;
        this.layout = layout;
        this.etag = etag;
    }

    /** This node's own worker, created once the crew is enlisted (it reports failures through the job). */
    void local(RangeWorker worker) {
        this.local = worker;
    }

    RangeWorker local() {
        return local;
    }

    /**
     * Enlists connected members that are not working on this fetch: at the start, and later for a
     * member whose session was replaced (its old worker is gone) or that connected since; never one
     * that failed or stalled. At most {@code helpersWanted} active helpers (all if negative).
     */
    void enlist(boolean initial) {
        long active =
                helpers.stream().filter(h -> plan.workers().get(h).active()).count();
        for (PeerSession s : service.pickHelpers(-1)) {
            if (helpersWanted >= 0 && active >= helpersWanted) {
                return;
            }
            boolean known = helpers.stream()
                    .anyMatch(h -> h.id().equals(s.peer())
                            && (h.session() == s || !plan.workers().get(h).state.equals(FetchPlan.GONE)));
            boolean busy = helpers.stream()
                    .anyMatch(h ->
                            h.id().equals(s.peer()) && plan.workers().get(h).active());
            if (known || busy) {
                continue;
            }
            FetchJob.Who w = new FetchJob.Who(s.peer(), s);
            helpers.add(w);
            plan.addWorker(w, System.nanoTime());
            active++;
            if (!initial) {
                log.info(
                        "fetch {}: enlisted {} (connected since the start)",
                        id.shortHex(),
                        s.peer().shortId());
            }
        }
    }

    static String name(FetchJob.Who w) {
        return w.isSelf() ? "this node" : w.id().shortId();
    }

    /** Sends the plan's decisions: new work to helpers (or our own worker), cancels of stolen or duplicate chunks. */
    void act(FetchPlan.Actions<FetchJob.Who> a) {
        a.cancel().forEach((p, indices) -> {
            if (p.isSelf()) {
                local.cancel(indices);
            } else {
                send(p, s -> FetchMessages.cancel(s, id, indices));
            }
        });
        a.assign().forEach((p, indices) -> {
            if (p.isSelf()) {
                local.add(indices);
            } else {
                send(p, s -> FetchMessages.assign(s, id, source, layout, indices, etag));
            }
        });
    }

    /** Chunk {@code index} arrived from another worker: {@code others}, who also had it, stop on it. */
    void cancel(Collection<FetchJob.Who> others, int index) {
        for (FetchJob.Who o : others) {
            if (o.isSelf()) {
                local.cancel(List.of(index));
            } else {
                send(o, s -> FetchMessages.cancel(s, id, List.of(index)));
            }
        }
    }

    void stopWorker(FetchJob.Who p) {
        if (p.isSelf()) {
            local.stop();
        } else {
            send(p, s -> FetchMessages.cancel(s, id, List.of()));
        }
    }

    void stopHelpers() {
        for (FetchJob.Who h : helpers) {
            stopWorker(h);
        }
    }

    /** Tells every helper the fetch is published as {@code fileId}. */
    void published(Hash fileId) {
        for (FetchJob.Who h : helpers) {
            send(h, s -> FetchMessages.published(s, id, fileId));
        }
    }

    FetchJob.Who worker(PeerSession s) {
        for (FetchJob.Who h : helpers) {
            if (h.session() == s) {
                return h;
            }
        }
        return null;
    }

    private static void send(FetchJob.Who p, java.util.function.Consumer<PeerSession> message) {
        if (p.session() != null && p.session().isOpen()) {
            message.accept(p.session());
        }
    }
}

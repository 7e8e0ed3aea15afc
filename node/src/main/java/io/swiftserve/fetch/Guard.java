package io.swiftserve.fetch;

import io.swiftserve.fetch.Origin.OriginException;
import io.swiftserve.util.Cidr;
import java.net.InetAddress;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Which of a host's addresses one fetch may connect to, asked before every connection (every
 * request, every redirect hop). A helper works for someone else: only what {@link FetchTargets}
 * allows. The requester works for its own operator, who typed the URL: the addresses that URL's
 * host has at the first connection are pinned and allowed whatever they are; every other address
 * (a redirect elsewhere, the same name answering differently later) is held to the helpers' rule.
 */
final class Guard {
    private final FetchTargets targets;
    private final String typedHost;
    private final Set<InetAddress> pinned = ConcurrentHashMap.newKeySet();
    private volatile boolean pinnedOnce;

    private Guard(FetchTargets targets, String typedHost) {
        this.targets = targets;
        this.typedHost = typedHost;
    }

    /** For a helper: every address checked against {@code targets}. */
    static Guard helper(FetchTargets targets) {
        return new Guard(targets, null);
    }

    /** For this node's own fetch of {@code typedUrl}: its host's first addresses are allowed too. */
    static Guard requester(FetchTargets targets, String typedUrl) {
        String host;
        try {
            host = Origin.checkUrl(typedUrl).getHost();
        } catch (OriginException e) {
            host = null;
        }
        return new Guard(targets, host == null ? null : bare(host));
    }

    /**
     * The addresses of {@code host} (resolved to {@code resolved}) that may be connected to, in order.
     *
     * @throws OriginException (refused: not worth retrying) when none may, naming the first refused address and why
     */
    List<InetAddress> admit(String host, InetAddress[] resolved) throws OriginException {
        if (resolved.length == 0) {
            throw new OriginException("unknown host " + host, false);
        }
        if (typedHost != null && !pinnedOnce && typedHost.equals(host.toLowerCase(Locale.ROOT))) {
            synchronized (this) {
                if (!pinnedOnce) {
                    pinned.addAll(List.of(resolved));
                    pinnedOnce = true;
                }
            }
        }
        List<InetAddress> ok = new ArrayList<>();
        String firstRefusal = null;
        for (InetAddress a : resolved) {
            String why = pinned.contains(a) ? null : targets.refusal(a);
            if (why == null) {
                ok.add(a);
            } else if (firstRefusal == null) {
                firstRefusal = why;
            }
        }
        if (ok.isEmpty()) {
            throw OriginException.refused(Cidr.isLiteral(host) ? firstRefusal : host + ": " + firstRefusal);
        }
        return ok;
    }

    private static String bare(String host) {
        String h = host.startsWith("[") && host.endsWith("]") ? host.substring(1, host.length() - 1) : host;
        return h.toLowerCase(Locale.ROOT);
    }
}

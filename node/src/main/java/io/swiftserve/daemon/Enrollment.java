package io.swiftserve.daemon;

import io.swiftserve.admin.AdminApi.AdminException;
import io.swiftserve.chain.InviteToken;
import io.swiftserve.gossip.JoinService;
import io.swiftserve.gossip.PendingJoins;
import io.swiftserve.identity.NodeId;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/** The admin side of enrollment: invites with their terms, and joins held for approval. */
final class Enrollment {
    private static final Duration APPROVE_LIMIT = Duration.ofSeconds(30);

    private final Node node;
    private final JoinService joins;

    Enrollment(Node node, JoinService joins) {
        this.node = node;
        this.joins = joins;
    }

    Map<String, Object> invite(Duration ttl, int uses, List<String> cidrs, boolean approval) throws AdminException {
        InviteToken.Terms terms;
        try {
            terms = new InviteToken.Terms(uses, cidrs, approval);
        } catch (IllegalArgumentException e) {
            throw new AdminException(e.getMessage());
        }
        InviteToken token = InviteToken.create(
                node.key(), node.chain().networkId(), ttl, List.of(node.address()), terms, node.clock());
        Map<String, Object> out = new LinkedHashMap<>();
        out.put("token", token.format());
        out.put("expiresMs", token.expiresMs());
        out.put("inviter", node.key().id().toString());
        out.put("addresses", token.addresses());
        out.put("uses", terms.maxUses());
        out.put("cidrs", terms.cidrs());
        out.put("approval", terms.needsApproval());
        return out;
    }

    List<Map<String, Object>> pending() {
        return joins.pending().list().stream().map(Enrollment::view).toList();
    }

    private static Map<String, Object> view(PendingJoins.Pending p) {
        Map<String, Object> out = new LinkedHashMap<>();
        out.put("nodeId", p.joiner().toString());
        out.put("address", p.session().remoteAddress());
        out.put("sinceMs", p.sinceMs());
        out.put("inviter", p.inviter().toString());
        return out;
    }

    Map<String, Object> approve(String prefix) throws AdminException {
        NodeId joiner = resolve(prefix);
        long height;
        try {
            height = joins.approve(joiner).get(APPROVE_LIMIT.toSeconds(), TimeUnit.SECONDS);
        } catch (ExecutionException e) {
            throw new AdminException("the join of " + joiner.shortId() + " failed: " + rootMessage(e));
        } catch (TimeoutException e) {
            throw new AdminException(
                    "the join of " + joiner.shortId() + " was not sealed within " + APPROVE_LIMIT.toSeconds() + " s");
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new AdminException("interrupted");
        }
        Map<String, Object> out = new LinkedHashMap<>();
        out.put("nodeId", joiner.toString());
        out.put("height", height);
        return out;
    }

    Map<String, Object> deny(String prefix) throws AdminException {
        NodeId joiner = resolve(prefix);
        if (!joins.deny(joiner)) {
            throw new AdminException("no join of " + joiner.shortId() + " waits for approval");
        }
        return Map.of("nodeId", joiner.toString(), "denied", true);
    }

    /** A unique waiting joiner whose id starts with {@code prefix} (at least 8 hex characters). */
    private NodeId resolve(String prefix) throws AdminException {
        String p = prefix.trim().toLowerCase(Locale.ROOT);
        if (!p.matches("[0-9a-f]{8,64}")) {
            throw new AdminException("'" + prefix + "' is not a node id (8 to 64 hex characters)");
        }
        List<NodeId> matches = joins.pending().list().stream()
                .map(PendingJoins.Pending::joiner)
                .filter(id -> id.toString().startsWith(p))
                .toList();
        if (matches.isEmpty()) {
            throw new AdminException("no join of " + prefix + " waits for approval (see 'swiftserve pending')");
        }
        if (matches.size() > 1) {
            throw new AdminException(
                    "'" + prefix + "' matches " + matches.size() + " waiting joins; give more characters");
        }
        return matches.get(0);
    }

    private static String rootMessage(Throwable t) {
        Throwable c = t;
        while (c.getCause() != null) {
            c = c.getCause();
        }
        return c.getMessage() != null ? c.getMessage() : c.toString();
    }
}

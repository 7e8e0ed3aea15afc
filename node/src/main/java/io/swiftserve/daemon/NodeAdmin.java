package io.swiftserve.daemon;

import io.swiftserve.admin.AdminApi;
import io.swiftserve.admin.Views;
import io.swiftserve.chain.Block;
import io.swiftserve.chain.LedgerState;
import io.swiftserve.chain.Member;
import io.swiftserve.chain.Transaction;
import io.swiftserve.chain.Transactions;
import io.swiftserve.identity.NodeId;
import io.swiftserve.net.PeerSession;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/** The daemon's answers to the admin channel. */
final class NodeAdmin implements AdminApi {
    private static final Duration SEAL_LIMIT = io.swiftserve.gossip.ChainGossip.SEAL_WAIT;
    private final Node node;
    private final FileAdmin files;
    private final PlacementAdmin placement;
    private final WatchAdmin watches;
    private final AddProgress progress = new AddProgress();

    NodeAdmin(Node node) throws java.io.IOException {
        this.node = node;
        this.files = new FileAdmin(node, this);
        this.placement = new PlacementAdmin(node, this);
        this.watches = new WatchAdmin(node, files);
    }

    WatchAdmin folderWatches() {
        return watches;
    }

    @Override
    public Map<String, Object> watch(String source, String path, Duration debounce, List<String> to, int replicas)
            throws AdminException {
        requireMember();
        return watches.watch(source, path, debounce, to, replicas);
    }

    @Override
    public Map<String, Object> addProgress(String progressId) {
        return progress.of(progressId);
    }

    @Override
    public Map<String, Object> unwatch(String path) throws AdminException {
        return watches.unwatch(path);
    }

    @Override
    public List<Map<String, Object>> watches() {
        return watches.list();
    }

    @Override
    public Map<String, Object> add(String path, long size, java.io.InputStream content) throws AdminException {
        requireMember();
        return files.add(path, size, content);
    }

    @Override
    public Map<String, Object> add(String path, long size, java.io.InputStream content, List<String> to, int replicas)
            throws AdminException {
        requireMember();
        return files.add(path, size, content, PlacementAdmin.target(to, replicas));
    }

    @Override
    public Map<String, Object> label(String nodeIdOrPrefix, List<String> add, List<String> remove)
            throws AdminException {
        requireMember();
        return placement.label(nodeIdOrPrefix, add, remove);
    }

    @Override
    public List<Map<String, Object>> labels() {
        return placement.labels();
    }

    @Override
    public Map<String, Object> get(String path) throws AdminException {
        return placement.get(path);
    }

    @Override
    public Map<String, Object> where(String path) throws AdminException {
        return placement.where(path);
    }

    @Override
    public Map<String, Object> addTree(
            String path, long size, long entriesLength, java.io.InputStream content, List<String> to, int replicas)
            throws AdminException {
        requireMember();
        return new TreeAdmin(node, files).add(path, size, entriesLength, content, PlacementAdmin.target(to, replicas));
    }

    @Override
    public Map<String, Object> addLocal(
            String source, String path, String key, List<String> to, int replicas, String progressId)
            throws AdminException {
        requireMember();
        return new LocalAdd(node, files, new TreeAdmin(node, files))
                .following(progress, progressId)
                .add(source, path, key, PlacementAdmin.target(to, replicas));
    }

    @Override
    public Map<String, Object> tree(String path) throws AdminException {
        return new TreeAdmin(node, files).entries(path);
    }

    @Override
    public Map<String, Integer> trees() {
        return new TreeAdmin(node, files).counts();
    }

    @Override
    public Map<String, Object> remove(String path) throws AdminException {
        requireMember();
        return files.remove(path);
    }

    @Override
    public List<Views.FileStatus> files() {
        return files.files();
    }

    @Override
    public List<Views.LocalFile> localFiles() {
        return files.localFiles();
    }

    @Override
    public Map<String, Object> fetch(String url, String path, String sha256, int helpers) throws AdminException {
        requireMember();
        try {
            return node.fetch().fetch(url, path, sha256, helpers);
        } catch (io.swiftserve.fetch.FetchService.FetchException e) {
            throw new AdminException(e.getMessage());
        }
    }

    @Override
    public Map<String, Object> fetchStatus(String id) throws AdminException {
        return node.fetch().status(id).orElseThrow(() -> new AdminException("no fetch " + id + " on this node"));
    }

    @Override
    public List<Map<String, Object>> fetches() {
        return node.fetch().list();
    }

    @Override
    public Map<String, Object> limits(Map<String, String> changes) throws AdminException {
        try {
            return changes.isEmpty()
                    ? node.bandwidth().view()
                    : node.bandwidth().update(changes);
        } catch (IllegalArgumentException e) {
            throw new AdminException(e.getMessage());
        } catch (java.io.IOException e) {
            throw new AdminException("cannot keep the limits: " + e.getMessage());
        }
    }

    @Override
    public Views.Status status(int offset, int limit) throws AdminException {
        if (offset < 0 || limit < 0) {
            throw new AdminException("offset and limit must not be negative");
        }
        Block head = node.chain().head();
        LedgerState state = node.chain().state();
        Views.FilePage page = files.page(offset, limit);
        return new Views.Status(
                node.key().id().toString(),
                node.chain().networkId().toString(),
                state.networkName(),
                head.height(),
                head.hash().toString(),
                state.members().size(),
                (int) node.network().sessions().stream()
                        .filter(PeerSession::isMember)
                        .count(),
                node.address(),
                node.statusUrl(),
                files.files(offset, limit),
                peerRates(),
                transfer(page.complete()),
                node.network().describe(),
                files.localFiles(),
                membership(state),
                page);
    }

    private Views.Membership membership(LedgerState state) {
        NodeId self = node.key().id();
        if (state.isMember(self)) {
            return new Views.Membership("member", 0);
        }
        // the ledger keeps revocations, not departures: a node that is neither left on its own
        return state.revokedAt(self)
                .map(h -> new Views.Membership("revoked", h))
                .orElseGet(() -> new Views.Membership("left", 0));
    }

    private List<Views.PeerRate> peerRates() {
        List<Views.PeerRate> out = new ArrayList<>();
        for (PeerSession s : node.network().sessions()) {
            if (s.isMember()) {
                out.add(new Views.PeerRate(
                        s.peer().toString(),
                        reachableAt(s),
                        node.transfer().upRate(s),
                        node.transfer().downRate(s),
                        s.bytesOut().get(),
                        s.bytesIn().get()));
            }
        }
        return out;
    }

    /** Where the member listens: an inbound session's source port is ephemeral and tells the operator nothing. */
    private static String reachableAt(PeerSession s) {
        return s.listenAddress().isEmpty() ? s.remoteAddress() : s.listenAddress();
    }

    private Views.Transfer transfer(int filesComplete) {
        var t = node.transfer().stats();
        return new Views.Transfer(
                t.bytesUp.get(),
                t.bytesDown.get(),
                t.chunksVerified.get(),
                t.chunksFailed.get(),
                filesComplete,
                t.upRate(),
                t.downRate(),
                t.chunksLocal.get(),
                t.bytesLocal.get());
    }

    @Override
    public Views.Peers peers() {
        LedgerState state = node.chain().state();
        List<Views.Peer> out = new ArrayList<>();
        for (Member m : state.members()) {
            boolean self = m.id().equals(node.key().id());
            var session = node.network().session(m.id());
            out.add(new Views.Peer(
                    m.id().toString(),
                    self,
                    session.isPresent(),
                    session.map(s -> s.outbound() ? "out" : "in").orElse(""),
                    session.map(NodeAdmin::reachableAt).orElse(""),
                    node.addressBook().addresses(m.id()),
                    m.seniority(),
                    m.invitedBy().toString()));
        }
        return new Views.Peers(out);
    }

    @Override
    public Views.Chain chain(int limit) {
        Block head = node.chain().head();
        List<Views.BlockView> blocks = new ArrayList<>();
        for (long h = head.height(); h >= 0 && blocks.size() < Math.max(1, Math.min(limit, 1000)); h--) {
            node.chain().blockAt(h).ifPresent(b -> blocks.add(view(b)));
        }
        return new Views.Chain(head.height(), head.hash().toString(), blocks);
    }

    private static Views.BlockView view(Block b) {
        List<Views.TxView> txs = b.transactions().stream().map(TxSummary::view).toList();
        return new Views.BlockView(
                b.height(),
                b.hash().toString(),
                b.parentHash().toString(),
                b.header().sealer().toString(),
                b.header().timestampMs(),
                b.toProto().getSerializedSize(),
                txs);
    }

    @Override
    public Map<String, Object> invite(Duration ttl, int uses, List<String> cidrs, boolean approval)
            throws AdminException {
        requireMember();
        return node.enrollment().invite(ttl, uses, cidrs, approval);
    }

    @Override
    public List<Map<String, Object>> pending() {
        return node.enrollment().pending();
    }

    @Override
    public Map<String, Object> approve(String nodeIdOrPrefix) throws AdminException {
        requireMember();
        return node.enrollment().approve(nodeIdOrPrefix);
    }

    @Override
    public Map<String, Object> deny(String nodeIdOrPrefix) throws AdminException {
        return node.enrollment().deny(nodeIdOrPrefix);
    }

    @Override
    public Map<String, Object> leave() throws AdminException {
        requireMember();
        return sealed(transactions().leave());
    }

    @Override
    public Map<String, Object> revoke(String nodeIdOrPrefix) throws AdminException {
        requireMember();
        NodeId target = resolveMember(nodeIdOrPrefix);
        if (target.equals(node.key().id())) {
            throw new AdminException("a node cannot revoke itself; use 'swiftserve leave'");
        }
        Map<String, Object> out = sealed(transactions().revoke(target));
        out.put("nodeId", target.toString());
        return out;
    }

    Transactions transactions() {
        return new Transactions(node.key(), node.chain().networkId(), node.clock());
    }

    private void requireMember() throws AdminException {
        if (!node.chain().state().isMember(node.key().id())) {
            throw new AdminException("this node is not a member of the network");
        }
    }

    /** A unique member whose id starts with {@code prefix} (at least 8 hex characters). */
    NodeId resolveMember(String prefix) throws AdminException {
        String p = prefix.trim().toLowerCase(Locale.ROOT);
        if (!p.matches("[0-9a-f]{8,64}")) {
            throw new AdminException("'" + prefix + "' is not a node id (8 to 64 hex characters)");
        }
        List<NodeId> matches = node.chain().state().members().stream()
                .map(Member::id)
                .filter(id -> id.toString().startsWith(p))
                .toList();
        if (matches.isEmpty()) {
            throw new AdminException("no member " + prefix);
        }
        if (matches.size() > 1) {
            throw new AdminException("'" + prefix + "' matches " + matches.size() + " members; give more characters");
        }
        return matches.get(0);
    }

    /** Submits a transaction and waits until it is on this node's chain. */
    Map<String, Object> sealed(Transaction tx) throws AdminException {
        long height;
        try {
            height = node.gossip()
                    .submit(tx)
                    .thenCompose(t -> node.gossip().sealNow())
                    .thenCompose(b -> node.gossip().whenSealed(tx.id(), SEAL_LIMIT))
                    .get(SEAL_LIMIT.toSeconds() + 1, TimeUnit.SECONDS);
        } catch (ExecutionException e) {
            throw new AdminException(e.getCause().getMessage());
        } catch (TimeoutException e) {
            throw new AdminException(
                    "transaction " + tx.id().shortHex() + " was not sealed within " + SEAL_LIMIT.toSeconds() + " s");
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new AdminException("interrupted");
        }
        Map<String, Object> out = new LinkedHashMap<>();
        out.put("txId", tx.id().toString());
        out.put("height", height);
        return out;
    }
}

package io.swiftserve.daemon;

import io.swiftserve.admin.AdminApi.AdminException;
import io.swiftserve.chain.FileEntry;
import io.swiftserve.chain.Hash;
import io.swiftserve.chain.HeldSet;
import io.swiftserve.chain.Labels;
import io.swiftserve.chain.LastHoldings;
import io.swiftserve.chain.LedgerState;
import io.swiftserve.chain.Member;
import io.swiftserve.chain.Placement;
import io.swiftserve.identity.NodeId;
import io.swiftserve.transfer.TransferService;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** The placement half of the admin channel: labels, where a version is held, and get. */
final class PlacementAdmin {
    private final Node node;
    private final NodeAdmin admin;

    PlacementAdmin(Node node, NodeAdmin admin) {
        this.node = node;
        this.admin = admin;
    }

    /** The placement {@code add --to/--replicas} asks for, checked here for a clear message. */
    static Placement.Target target(List<String> to, int replicas) throws AdminException {
        for (String l : to) {
            String problem = Labels.problem(l);
            if (problem != null) {
                throw new AdminException(problem);
            }
        }
        if (to.size() > Labels.MAX_PER_MEMBER) {
            throw new AdminException("at most " + Labels.MAX_PER_MEMBER + " labels");
        }
        if (replicas < 0 || replicas > io.swiftserve.chain.TransactionRules.MAX_REPLICAS) {
            throw new AdminException("replicas must be 0 to " + io.swiftserve.chain.TransactionRules.MAX_REPLICAS);
        }
        return new Placement.Target(List.copyOf(new java.util.TreeSet<>(to)), replicas);
    }

    Map<String, Object> label(String nodeIdOrPrefix, List<String> add, List<String> remove) throws AdminException {
        NodeId target = admin.resolveMember(nodeIdOrPrefix);
        for (String l : add) {
            check(l);
        }
        for (String l : remove) {
            check(l);
        }
        if (add.isEmpty() && remove.isEmpty()) {
            throw new AdminException("no label to add (+LABEL) or remove (-LABEL)");
        }
        Map<String, Object> out = admin.sealed(admin.transactions().label(target, add, remove));
        out.put("nodeId", target.toString());
        out.put("labels", List.copyOf(node.chain().state().labels(target)));
        return out;
    }

    private static void check(String label) throws AdminException {
        String problem = Labels.problem(label);
        if (problem != null) {
            throw new AdminException(problem);
        }
    }

    List<Map<String, Object>> labels() {
        LedgerState state = node.chain().state();
        List<Map<String, Object>> out = new ArrayList<>();
        for (Member m : state.members()) {
            Map<String, Object> row = new LinkedHashMap<>();
            row.put("nodeId", m.id().toString());
            row.put("self", m.id().equals(node.key().id()));
            row.put("labels", List.copyOf(state.labels(m.id())));
            out.add(row);
        }
        return out;
    }

    private FileEntry file(LedgerState state, String path) throws AdminException {
        return state.file(path).orElseThrow(() -> new AdminException("no file '" + path + "' in the network"));
    }

    /** Pins the version here; the caller follows its download with {@link #where}. */
    Map<String, Object> get(String path) throws AdminException {
        LedgerState state = node.chain().state();
        FileEntry f = file(state, path);
        boolean placedHere = Placement.of(state).mustHold(f, node.key().id());
        if (!placedHere) {
            node.transfer().pin(f.fileId());
        }
        Map<String, Object> out = describe(f);
        out.put("placedHere", placedHere);
        out.put("file", node.transfer().shareDir().resolve(f.path()).toString());
        return out;
    }

    Map<String, Object> where(String path) throws AdminException {
        LedgerState state = node.chain().state();
        FileEntry f = file(state, path);
        Placement placement = Placement.of(state);
        NodeId self = node.key().id();
        var progress = node.transfer().progress(f.fileId());
        Map<String, Object> out = describe(f);
        Placement.Target t = placement.target(f);
        out.put("everyone", t.everyone());
        out.put("toLabels", t.labels());
        out.put("replicas", t.replicas());
        List<NodeId> holders = new ArrayList<>(placement.holders(f));
        List<NodeId> chosen = placement.chosen(f);
        List<Map<String, Object>> rows = new ArrayList<>();
        List<FileEntry> files = state.files();
        Hash filesHash = HeldSet.filesHash(files);
        for (NodeId id : holders) {
            Map<String, Object> row = new LinkedHashMap<>();
            row.put("nodeId", id.toString());
            row.put("self", id.equals(self));
            row.put("why", t.everyone() || chosen.contains(id) ? "target" : "publisher");
            if (id.equals(self)) {
                row.put("have", progress.map(TransferService.FileProgress::have).orElse(0));
            } else if (progress.isPresent()) {
                row.put("have", progress.get().peers().getOrDefault(id, 0));
            }
            row.put("connected", id.equals(self) || node.network().session(id).isPresent());
            Object have = row.get("have");
            row.put("complete", have != null && ((Integer) have) == f.chunkCount());
            row.put("state", stateOf(row, f, progress.isPresent()));
            row.put("record", record(id, files, filesHash, f));
            rows.add(row);
        }
        out.put("holders", rows);
        Map<String, Object> me = new LinkedHashMap<>();
        me.put("nodeId", self.toString());
        me.put("placedHere", holders.contains(self));
        me.put("gotHere", node.transfer().pinned(f.fileId()));
        me.put("state", progress.map(TransferService.FileProgress::state).orElse("not held here"));
        me.put("have", progress.map(TransferService.FileProgress::have).orElse(0));
        me.put("complete", node.transfer().holds(f.fileId()));
        out.put("self", me);
        return out;
    }

    /** The member's last signed delivery record, as far as it speaks of this version (null: it made none). */
    private Map<String, Object> record(NodeId id, List<FileEntry> files, Hash filesHash, FileEntry f) {
        return LastHoldings.of(node.chain(), id)
                .map(r -> {
                    Map<String, Object> out = new LinkedHashMap<>();
                    out.put("atMs", r.atMs());
                    out.put("height", r.height());
                    // null: the record speaks of an earlier file set (see swiftserve audit)
                    out.put("held", r.holds(files, filesHash, f.fileId()).orElse(null));
                    return out;
                })
                .orElse(null);
    }

    private static String stateOf(Map<String, Object> row, FileEntry f, boolean tracked) {
        if (Boolean.TRUE.equals(row.get("complete"))) {
            return "complete";
        }
        if (!Boolean.TRUE.equals(row.get("connected"))) {
            return "not connected";
        }
        if (!tracked) {
            return "unknown (this node does not hold the version)";
        }
        return row.get("have") + " of " + f.chunkCount() + " chunks";
    }

    private static Map<String, Object> describe(FileEntry f) {
        Map<String, Object> out = new LinkedHashMap<>();
        out.put("path", f.path());
        out.put("version", f.version());
        out.put("fileId", f.fileId().toString());
        out.put("size", f.size());
        out.put("chunks", f.chunkCount());
        out.put("publisher", f.addedBy().toString());
        return out;
    }
}

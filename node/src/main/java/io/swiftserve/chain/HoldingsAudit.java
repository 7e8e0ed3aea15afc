package io.swiftserve.chain;

import io.swiftserve.identity.NodeId;
import io.swiftserve.proto.Holdings;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;

/**
 * Who held which version, since when, read from the chain alone: the main chain is replayed, and
 * every member's {@code Holdings} record is read against the file set of the block it names. A
 * record is taken only when that block is on the main chain and the record's files hash matches
 * its file set; the others are counted, not believed. Works on a data dir's store without a
 * running daemon.
 */
public final class HoldingsAudit {
    /** One version as the ledger published it. */
    public record Version(String path, long version, Hash fileId) {}

    /** A member's copy of a version: first and last recorded (block time), and when a record first lacked it. */
    public record Held(NodeId member, Version version, long sinceMs, long lastRecordedMs, Long untilMs) {}

    /** A member's last record: its block time, the height it described, and how many versions it held there. */
    public record LastRecord(NodeId member, long atMs, long height, int held, int versions) {}

    public record Result(int records, int refused, List<LastRecord> members, List<Held> held) {}

    private record FileRef(String path, Hash fileId) {}

    private HoldingsAudit() {}

    public static Result run(Blockchain chain) {
        long top = chain.height();
        Set<Long> wanted = new HashSet<>();
        for (long h = 0; h <= top; h++) {
            for (Transaction tx : chain.blockAt(h).orElseThrow().transactions()) {
                if (tx.kind() == io.swiftserve.proto.TransactionBody.KindCase.HOLDINGS) {
                    wanted.add(tx.body().getHoldings().getHeight());
                }
            }
        }
        // the order of the ledger's keys: paths as UTF-8 bytes, unsigned
        TreeMap<String, FileRef> files = new TreeMap<>((a, b) -> java.util.Arrays.compareUnsigned(
                a.getBytes(java.nio.charset.StandardCharsets.UTF_8),
                b.getBytes(java.nio.charset.StandardCharsets.UTF_8)));
        Map<Hash, Version> versions = new HashMap<>();
        Map<Long, List<FileRef>> snapshots = new HashMap<>();
        Map<NodeId, LastRecord> last = new LinkedHashMap<>();
        Map<NodeId, Map<Hash, Held>> held = new LinkedHashMap<>();
        List<Held> ended = new ArrayList<>();
        int records = 0;
        int refused = 0;
        for (long h = 0; h <= top; h++) {
            Block block = chain.blockAt(h).orElseThrow();
            long at = block.header().timestampMs();
            for (Transaction tx : block.transactions()) {
                switch (tx.kind()) {
                    case FILE_ADD -> {
                        var add = tx.body().getFileAdd();
                        files.put(add.getPath(), new FileRef(add.getPath(), tx.id()));
                        versions.put(tx.id(), new Version(add.getPath(), add.getVersion(), tx.id()));
                    }
                    case FILE_DELETE -> files.remove(tx.body().getFileDelete().getPath());
                    case HOLDINGS -> {
                        records++;
                        if (!take(chain, tx, at, snapshots, versions, last, held, ended)) {
                            refused++;
                        }
                    }
                    default -> {}
                }
            }
            if (wanted.contains(h)) {
                snapshots.put(h, List.copyOf(files.values()));
            }
        }
        List<Held> all = new ArrayList<>(ended);
        held.values().forEach(m -> all.addAll(m.values()));
        return new Result(records, refused, List.copyOf(last.values()), all);
    }

    private static boolean take(
            Blockchain chain,
            Transaction tx,
            long at,
            Map<Long, List<FileRef>> snapshots,
            Map<Hash, Version> versions,
            Map<NodeId, LastRecord> last,
            Map<NodeId, Map<Hash, Held>> held,
            List<Held> ended) {
        Holdings record = tx.body().getHoldings();
        List<FileRef> files = snapshots.get(record.getHeight());
        boolean named = files != null
                && chain.blockAt(record.getHeight())
                        .map(b -> b.hash().equals(Hash.of(record.getBlock().toByteArray())))
                        .orElse(false);
        if (!named) {
            return false; // a block of a branch that lost, or one the record cannot have seen
        }
        HeldSet set;
        try {
            set = HeldSet.fromRuns(record.getRunsList());
        } catch (InvalidException e) {
            return false;
        }
        if (!filesHash(files).equals(Hash.of(record.getFilesHash().toByteArray())) || set.versions() > files.size()) {
            return false;
        }
        NodeId member = tx.signer();
        Map<Hash, Held> mine = held.computeIfAbsent(member, m -> new LinkedHashMap<>());
        Map<Hash, Integer> index = new HashMap<>();
        for (int i = 0; i < files.size(); i++) {
            Hash id = files.get(i).fileId();
            index.put(id, i);
            if (set.holds(i)) {
                Held before = mine.get(id);
                mine.put(id, new Held(member, versions.get(id), before == null ? at : before.sinceMs(), at, null));
            }
        }
        // no longer held: a version this record speaks of and lacks, or one that left the ledger
        for (var it = mine.entrySet().iterator(); it.hasNext(); ) {
            Held h = it.next().getValue();
            Integer i = index.get(h.version().fileId());
            if (i == null || (i < set.versions() && !set.holds(i))) {
                ended.add(new Held(member, h.version(), h.sinceMs(), h.lastRecordedMs(), at));
                it.remove();
            }
        }
        last.put(member, new LastRecord(member, at, record.getHeight(), set.heldCount(), files.size()));
        return true;
    }

    /** The files hash of a snapshot, as {@link HeldSet#filesHash} computes it for a record. */
    private static Hash filesHash(List<FileRef> files) {
        var digest = io.swiftserve.identity.Sha256.newDigest();
        files.forEach(f -> digest.update(f.fileId().bytes()));
        return Hash.of(digest.digest());
    }
}

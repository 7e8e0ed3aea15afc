package io.swiftserve.chain;

import io.swiftserve.identity.NodeId;
import io.swiftserve.store.Bytes;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Optional;

/**
 * The ledger's state after some block: members, revoked keys, used invites, included transactions
 * and the file set. Reads go to a {@link StateSource}; writes (package-private, used only while
 * applying transactions) need a {@link StateOverlay}.
 */
public class LedgerState {
    static final String MEMBER = "m/";
    static final String REVOKED = "r/";
    static final String INVITE = "i/";
    static final String INCLUDED = "t/";
    static final String FILE = "f/";
    static final String HOLDINGS = "h/";
    static final String LABELS = "l/";
    /** file id -> the placement its FileAdd asked for; absent: every member (see {@link Placement}). */
    static final String TARGET = "p/";

    static final byte[] NETWORK_NAME = "g/name".getBytes(StandardCharsets.UTF_8);

    private final StateSource source;

    public LedgerState(StateSource source) {
        this.source = source;
    }

    public Optional<Member> member(NodeId id) {
        return source.get(Bytes.prefixed(MEMBER, id.bytes())).map(v -> Member.decode(id, v));
    }

    public boolean isMember(NodeId id) {
        return source.get(Bytes.prefixed(MEMBER, id.bytes())).isPresent();
    }

    public boolean isRevoked(NodeId id) {
        return source.get(Bytes.prefixed(REVOKED, id.bytes())).isPresent();
    }

    /** The height of the block that revoked {@code id}, if one did. */
    public Optional<Long> revokedAt(NodeId id) {
        return source.get(Bytes.prefixed(REVOKED, id.bytes())).map(Bytes::toLong);
    }

    public boolean inviteUsed(byte[] inviteId) {
        return inviteUses(inviteId) > 0;
    }

    /** How many joins the invite with this one-time key has admitted (a database of format 1 kept a height: 1 use). */
    public long inviteUses(byte[] inviteId) {
        return source.get(Bytes.prefixed(INVITE, inviteId)).map(Bytes::toLong).orElse(0L);
    }

    /** Throws unless the invite has a use left: the same words on every node and at the handshake. */
    public void checkInviteLeft(SignedInvite invite) throws InvalidException {
        long used = inviteUses(invite.id());
        if (invite.maxUses() == 1) {
            InvalidException.check(used == 0, "invite already used");
        } else {
            InvalidException.check(
                    used < invite.maxUses(),
                    "invite used up (" + invite.maxUses() + " of " + invite.maxUses() + " uses)");
        }
    }

    /** True when a transaction with this id is already on the chain. */
    public boolean includes(Hash txId) {
        return source.get(Bytes.prefixed(INCLUDED, txId.bytes())).isPresent();
    }

    public Optional<FileEntry> file(String path) {
        return source.get(Bytes.prefixed(FILE, path)).map(FileEntry::decode);
    }

    /** True when some file's path starts with {@code dir + "/"}. */
    public boolean hasFilesUnder(String dir) {
        boolean[] found = {false};
        source.scan(Bytes.prefixed(FILE, dir + "/"), (k, v) -> found[0] = true);
        return found[0];
    }

    /** Block time (ms) of the block that sealed the member's last {@code Holdings} record, if any. */
    public Optional<Long> lastHoldingsMs(NodeId id) {
        return source.get(Bytes.prefixed(HOLDINGS, id.bytes())).map(Bytes::toLong);
    }

    /** The transaction id of the member's last {@code Holdings} record, if any. */
    public Optional<Hash> lastHoldingsTx(NodeId id) {
        return source.get(Bytes.prefixed(HOLDINGS, id.bytes()))
                .filter(v -> v.length == Long.BYTES + 32)
                .map(v -> Hash.of(java.util.Arrays.copyOfRange(v, Long.BYTES, v.length)));
    }

    /** The height of the block that included transaction {@code txId}, if it is on the chain. */
    public Optional<Long> includedAt(Hash txId) {
        return source.get(Bytes.prefixed(INCLUDED, txId.bytes())).map(Bytes::toLong);
    }

    /** The labels of {@code id}, sorted; empty if it has none. */
    public java.util.Set<String> labels(NodeId id) {
        return source.get(Bytes.prefixed(LABELS, id.bytes()))
                .map(Labels::decode)
                .orElse(java.util.Set.of());
    }

    /** Every labelled member's labels. */
    public java.util.Map<NodeId, java.util.Set<String>> allLabels() {
        java.util.Map<NodeId, java.util.Set<String>> out = new java.util.HashMap<>();
        byte[] prefix = LABELS.getBytes(StandardCharsets.UTF_8);
        source.scan(
                prefix,
                (k, v) ->
                        out.put(NodeId.of(java.util.Arrays.copyOfRange(k, prefix.length, k.length)), Labels.decode(v)));
        return out;
    }

    /** The placement of every version published with one. */
    public java.util.Map<Hash, Placement.Target> targets() {
        java.util.Map<Hash, Placement.Target> out = new java.util.HashMap<>();
        byte[] prefix = TARGET.getBytes(StandardCharsets.UTF_8);
        source.scan(
                prefix,
                (k, v) -> out.put(Hash.of(java.util.Arrays.copyOfRange(k, prefix.length, k.length)), decodeTarget(v)));
        return out;
    }

    private static Placement.Target decodeTarget(byte[] v) {
        java.nio.ByteBuffer in = java.nio.ByteBuffer.wrap(v);
        int replicas = in.getInt();
        byte[] rest = new byte[in.remaining()];
        in.get(rest);
        return new Placement.Target(List.copyOf(Labels.decode(rest)), replicas);
    }

    public String networkName() {
        return source.get(NETWORK_NAME)
                .map(v -> new String(v, StandardCharsets.UTF_8))
                .orElse("");
    }

    /** Current members, most senior first. */
    public List<Member> members() {
        List<Member> out = new ArrayList<>();
        byte[] prefix = MEMBER.getBytes(StandardCharsets.UTF_8);
        source.scan(
                prefix,
                (k, v) ->
                        out.add(Member.decode(NodeId.of(java.util.Arrays.copyOfRange(k, prefix.length, k.length)), v)));
        out.sort(Comparator.comparingLong(Member::seniority));
        return out;
    }

    /** The file set, ordered by path. */
    public List<FileEntry> files() {
        List<FileEntry> out = new ArrayList<>();
        source.scan(FILE.getBytes(StandardCharsets.UTF_8), (k, v) -> out.add(FileEntry.decode(v)));
        return out;
    }

    StateOverlay overlay() {
        if (source instanceof StateOverlay o) {
            return o;
        }
        throw new IllegalStateException("this state is read-only");
    }

    void putMember(Member m) {
        overlay().put(Bytes.prefixed(MEMBER, m.id().bytes()), m.encode());
    }

    void removeMember(NodeId id) {
        overlay().delete(Bytes.prefixed(MEMBER, id.bytes()));
    }

    void markRevoked(NodeId id, long height) {
        overlay().put(Bytes.prefixed(REVOKED, id.bytes()), Bytes.longKey(height));
    }

    void markInviteUsed(byte[] inviteId) {
        overlay().put(Bytes.prefixed(INVITE, inviteId), Bytes.longKey(inviteUses(inviteId) + 1));
    }

    void markIncluded(Hash txId, long height) {
        overlay().put(Bytes.prefixed(INCLUDED, txId.bytes()), Bytes.longKey(height));
    }

    void putFile(FileEntry f) {
        overlay().put(Bytes.prefixed(FILE, f.path()), f.encode());
    }

    void deleteFile(String path) {
        overlay().delete(Bytes.prefixed(FILE, path));
    }

    void markHoldings(NodeId id, long blockTimeMs, Hash txId) {
        byte[] value = java.nio.ByteBuffer.allocate(Long.BYTES + 32)
                .putLong(blockTimeMs)
                .put(txId.bytes())
                .array();
        overlay().put(Bytes.prefixed(HOLDINGS, id.bytes()), value);
    }

    void setLabels(NodeId id, java.util.Set<String> labels) {
        if (labels.isEmpty()) {
            overlay().delete(Bytes.prefixed(LABELS, id.bytes()));
        } else {
            overlay().put(Bytes.prefixed(LABELS, id.bytes()), Labels.encode(labels));
        }
    }

    void setTarget(Hash fileId, Placement.Target t) {
        if (t.everyone()) {
            return;
        }
        byte[] labels = Labels.encode(java.util.Set.copyOf(t.labels()));
        overlay()
                .put(
                        Bytes.prefixed(TARGET, fileId.bytes()),
                        java.nio.ByteBuffer.allocate(4 + labels.length)
                                .putInt(t.replicas())
                                .put(labels)
                                .array());
    }

    void deleteTarget(Hash fileId) {
        if (source.get(Bytes.prefixed(TARGET, fileId.bytes())).isPresent()) {
            overlay().delete(Bytes.prefixed(TARGET, fileId.bytes()));
        }
    }

    void setNetworkName(String name) {
        overlay().put(NETWORK_NAME, name.getBytes(StandardCharsets.UTF_8));
    }
}

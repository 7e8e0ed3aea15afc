package io.swiftserve.discovery;

import static org.assertj.core.api.Assertions.assertThat;

import io.swiftserve.chain.Hash;
import io.swiftserve.discovery.ReceiveRules.Verdict;
import io.swiftserve.identity.NodeId;
import io.swiftserve.identity.NodeKey;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.util.Arrays;
import java.util.Set;
import org.junit.jupiter.api.Test;

/** The receiver's rules, one by one, on datagrams made by the real codec. */
class ReceiveRulesTest {
    private static final long NOW = 1_700_000_000_000L;
    private final Hash network = Hash.sha256(new byte[] {1});
    private final byte[] tag = Announcements.networkHash(network);
    private final NodeKey self = NodeKey.generate();
    private final NodeKey member = NodeKey.generate();
    private final NodeKey stranger = NodeKey.generate();
    private final Set<NodeId> members = Set.of(self.id(), member.id());
    private final ReceiveRules rules = new ReceiveRules(tag, self.id(), members::contains);
    private final byte[] instance = {1, 2, 3, 4, 5, 6, 7, 8};

    private static InetAddress ip(int last) throws Exception {
        return InetAddress.getByAddress(new byte[] {10, 1, 0, (byte) last});
    }

    private ReceiveRules.Result check(byte[] datagram, int source, long now) throws Exception {
        return rules.check(datagram, datagram.length, ip(source), now);
    }

    private byte[] from(NodeKey key, long ts) {
        return Announcements.encode(key, tag, 8000, ts, instance);
    }

    @Test
    void aMembersFreshSignedAnnouncementGivesItsSourceAddressAndPort() throws Exception {
        ReceiveRules.Result r = check(from(member, NOW - 1_000), 7, NOW);
        assertThat(r.verdict()).isEqualTo(Verdict.ACCEPTED);
        assertThat(r.candidate().orElseThrow().node()).isEqualTo(member.id());
        assertThat(r.candidate().orElseThrow().address()).isEqualTo(new InetSocketAddress(ip(7), 8000));
        assertThat(r.candidate().orElseThrow().restarted()).isTrue();
        // the same process again: taken, but not a restart to answer
        ReceiveRules.Result again = check(from(member, NOW), 7, NOW);
        assertThat(again.verdict()).isEqualTo(Verdict.ACCEPTED);
        assertThat(again.candidate().orElseThrow().restarted()).isFalse();
    }

    @Test
    void aForgedSignatureIsRefused() throws Exception {
        byte[] d = from(member, NOW);
        d[d.length - 1] ^= 1; // the signature is the datagram's last field
        assertThat(check(d, 7, NOW).verdict()).isEqualTo(Verdict.FORGED);
        // a stranger's key signing an announcement that names the member: the key in it is the member's
        byte[] impostor = Announcements.encode(stranger, tag, 8000, NOW, instance);
        byte[] named = swapKey(impostor, stranger.id(), member.id());
        assertThat(check(named, 8, NOW).verdict()).isEqualTo(Verdict.FORGED);
        assertThat(rules.count(Verdict.ACCEPTED)).isZero();
    }

    @Test
    void aNonMemberIsRefusedBeforeAnySignatureCheck() throws Exception {
        assertThat(check(from(stranger, NOW), 7, NOW).verdict()).isEqualTo(Verdict.NOT_MEMBER);
    }

    @Test
    void anotherNetworkIsIgnored() throws Exception {
        byte[] other = Announcements.encode(
                member, Announcements.networkHash(Hash.sha256(new byte[] {2})), 8000, NOW, instance);
        assertThat(check(other, 7, NOW).verdict()).isEqualTo(Verdict.OTHER_NETWORK);
    }

    @Test
    void staleOrFutureTimestampsAndReplaysAreRefused() throws Exception {
        assertThat(check(from(member, NOW - ReceiveRules.FRESH_MS - 1), 7, NOW).verdict())
                .isEqualTo(Verdict.STALE);
        assertThat(check(from(member, NOW + ReceiveRules.FRESH_MS + 1), 7, NOW).verdict())
                .isEqualTo(Verdict.STALE);
        byte[] d = from(member, NOW);
        assertThat(check(d, 7, NOW).verdict()).isEqualTo(Verdict.ACCEPTED);
        // the same datagram replayed, from anywhere: the member's timestamp did not move on
        assertThat(check(d, 9, NOW + 10).verdict()).isEqualTo(Verdict.REPLAYED);
    }

    @Test
    void ownAnnouncementsAreIgnored() throws Exception {
        assertThat(check(from(self, NOW), 7, NOW).verdict()).isEqualTo(Verdict.OWN);
    }

    @Test
    void otherProgramsDatagramsAreIgnored() throws Exception {
        assertThat(check("BT-SEARCH * HTTP/1.1\r\n".getBytes(java.nio.charset.StandardCharsets.US_ASCII), 7, NOW)
                        .verdict())
                .isEqualTo(Verdict.NOT_DISCOVERY);
        byte[] junk = Arrays.copyOf(Announcements.MAGIC, 40);
        junk[10] = (byte) 0xff;
        assertThat(check(junk, 7, NOW).verdict()).isEqualTo(Verdict.NOT_DISCOVERY);
        byte[] big = Arrays.copyOf(from(member, NOW), Announcements.MAX_DATAGRAM + 1);
        assertThat(check(big, 7, NOW).verdict()).isEqualTo(Verdict.NOT_DISCOVERY);
    }

    @Test
    void aFloodFromOneSourceIsRateLimitedAndOthersStillGetThrough() throws Exception {
        int accepted = 0;
        int limited = 0;
        for (int i = 0; i < 100; i++) {
            Verdict v = check(from(member, NOW - 100_000 + i), 7, NOW).verdict();
            accepted += v == Verdict.ACCEPTED ? 1 : 0;
            limited += v == Verdict.RATE_LIMITED ? 1 : 0;
        }
        assertThat(accepted).isEqualTo(ReceiveRules.SOURCE_BURST);
        assertThat(limited).isEqualTo(100 - ReceiveRules.SOURCE_BURST);
        assertThat(check(from(member, NOW), 8, NOW).verdict()).isEqualTo(Verdict.ACCEPTED);
        // the flooding source gets a token back after the refill period
        assertThat(check(from(member, NOW + 1), 7, NOW + ReceiveRules.SOURCE_REFILL_MS)
                        .verdict())
                .isEqualTo(Verdict.ACCEPTED);
    }

    @Test
    void signatureChecksAreBudgetedOverAllSources() throws Exception {
        long busy = 0;
        for (int i = 0; i < 200; i++) {
            // forged, from many sources: each costs a signature check until the second's budget is spent
            byte[] d = from(member, NOW - 200 + i);
            d[d.length - 1] ^= 1;
            busy += check(d, i % 250 + 1, NOW).verdict() == Verdict.BUSY ? 1 : 0;
        }
        assertThat(rules.count(Verdict.FORGED)).isEqualTo(ReceiveRules.VERIFY_PER_SECOND);
        assertThat(busy).isEqualTo(200 - ReceiveRules.VERIFY_PER_SECOND);
        assertThat(check(from(member, NOW + 1), 251, NOW + 1_000).verdict()).isEqualTo(Verdict.ACCEPTED);
    }

    @Test
    void newSourcesBeyondTheBoundAreRefusedUntilOldOnesGoQuiet() throws Exception {
        byte[] d = from(stranger, NOW);
        for (int i = 0; i < ReceiveRules.MAX_SOURCES; i++) {
            InetAddress a = InetAddress.getByAddress(new byte[] {10, 2, (byte) (i >> 8), (byte) i});
            assertThat(rules.check(d, d.length, a, NOW).verdict()).isEqualTo(Verdict.NOT_MEMBER);
        }
        assertThat(check(d, 7, NOW).verdict()).isEqualTo(Verdict.RATE_LIMITED);
        // once the old sources' buckets are full again they are forgotten
        assertThat(check(d, 7, NOW + ReceiveRules.SOURCE_REFILL_MS).verdict()).isEqualTo(Verdict.NOT_MEMBER);
    }

    /** The datagram with one 32-byte key replaced by another (same length, so the encoding stays valid). */
    private static byte[] swapKey(byte[] datagram, NodeId from, NodeId to) {
        byte[] f = from.bytes();
        byte[] out = datagram.clone();
        for (int i = 0; i + f.length <= out.length; i++) {
            if (Arrays.equals(out, i, i + f.length, f, 0, f.length)) {
                System.arraycopy(to.bytes(), 0, out, i, f.length);
                return out;
            }
        }
        throw new AssertionError("key not found in the datagram");
    }
}

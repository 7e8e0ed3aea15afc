package io.swiftserve.gossip;

import static org.assertj.core.api.Assertions.assertThat;

import io.swiftserve.chain.Hash;
import io.swiftserve.identity.NodeId;
import io.swiftserve.identity.NodeKey;
import io.swiftserve.proto.SignedPeerRecord;
import io.swiftserve.store.InMemoryStore;
import io.swiftserve.store.KeyValueStore;
import io.swiftserve.store.Segment;
import java.time.Clock;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * Any key can sign a peer record, so the book must not be storage for anyone: only members'
 * records are kept, records of keys that stop being members are evicted, and the count is capped.
 */
@Timeout(30)
class AddressBookTest {
    private final Hash network = Hash.of(new byte[32]);
    private final KeyValueStore store = new InMemoryStore();
    private final Set<NodeId> members = new HashSet<>();

    private SignedPeerRecord recordOf(NodeKey key) {
        // a throwaway book signs it: publishSelf is how a node makes its own record
        return new AddressBook(new InMemoryStore(), network, id -> true)
                .publishSelf(key, List.of("10.0.0.9:8000"), Clock.systemUTC());
    }

    private long stored() {
        long[] n = {0};
        store.scan(Segment.PEERS, new byte[0], (k, v) -> n[0]++);
        return n[0];
    }

    @Test
    void aRecordOfAKeyThatIsNoMemberIsNotKept() {
        AddressBook book = new AddressBook(store, network, members::contains);
        NodeKey member = NodeKey.generate();
        members.add(member.id());
        NodeKey stranger = NodeKey.generate();

        assertThat(book.accept(recordOf(stranger), true))
                .as("a stranger's record")
                .isFalse();
        assertThat(book.accept(recordOf(member), true)).as("a member's record").isTrue();
        assertThat(book.known()).containsExactly(member.id());
        assertThat(stored()).isEqualTo(1);
    }

    @Test
    void recordsOfKeysThatStopBeingMembersAreEvictedAlsoFromDisk() {
        AddressBook book = new AddressBook(store, network, members::contains);
        NodeKey member = NodeKey.generate();
        members.add(member.id());
        book.accept(recordOf(member), true);
        members.remove(member.id());

        book.retainMembers();

        assertThat(book.known()).isEmpty();
        assertThat(stored()).isZero();
    }

    @Test
    void theBookHoldsAtMostItsCap() {
        AddressBook book = new AddressBook(store, network, members::contains, 5);
        int taken = 0;
        for (int i = 0; i < 20; i++) {
            NodeKey k = NodeKey.generate();
            members.add(k.id());
            if (book.accept(recordOf(k), true)) {
                taken++;
            }
        }
        System.out.printf("[AddressBookTest] 20 members' records offered, %d kept (cap 5)%n", taken);
        assertThat(taken).isEqualTo(5);
        assertThat(stored()).isEqualTo(5);
    }
}

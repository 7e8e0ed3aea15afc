package io.swiftserve.discovery;

import static org.assertj.core.api.Assertions.assertThat;

import io.swiftserve.discovery.LanInterfaces.Families;
import java.net.Inet4Address;
import java.net.InetSocketAddress;
import org.junit.jupiter.api.Test;

/** Which families a bind is announced on, and where announcements go on this machine. */
class LanInterfacesTest {
    @Test
    void aBindIsAnnouncedOnlyOverTheFamiliesAPeerCouldDialItOn() {
        assertThat(Families.of("127.0.0.1")).isEqualTo(Families.NONE);
        assertThat(Families.of("::1")).isEqualTo(Families.NONE);
        assertThat(Families.of("10.1.0.5")).isEqualTo(Families.IPV4);
        assertThat(Families.of("0.0.0.0")).isEqualTo(Families.IPV4);
        assertThat(Families.of("::")).isEqualTo(Families.BOTH);
        assertThat(Families.of("fe80::1")).isEqualTo(Families.IPV6);
        // multicast leaves from the link-local address, which this node would not be listening on
        assertThat(Families.of("2001:db8::5")).isEqualTo(Families.NONE);
        assertThat(LanInterfaces.loopback("127.0.0.1")).isNotNull();
        assertThat(LanInterfaces.loopback("10.1.0.5")).isNull();
    }

    @Test
    void destinationsAreBroadcastOrMulticastOnThePortAndNeverTheUnspecifiedAddress() {
        for (InetSocketAddress to : LanInterfaces.destinations(Families.BOTH, 21029)) {
            assertThat(to.getPort()).isEqualTo(21029);
            assertThat(to.getAddress().isAnyLocalAddress()).as(to.toString()).isFalse();
            if (!(to.getAddress() instanceof Inet4Address)) {
                assertThat(to.getAddress()).isEqualTo(withoutScope(to));
            }
        }
        assertThat(LanInterfaces.destinations(Families.NONE, 21029)).isEmpty();
    }

    private static java.net.InetAddress withoutScope(InetSocketAddress to) {
        // the group on some interface: same 16 bytes as ff12::7373
        assertThat(to.getAddress().getAddress()).isEqualTo(LanInterfaces.GROUP.getAddress());
        return to.getAddress();
    }
}

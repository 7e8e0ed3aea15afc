package io.swiftserve.discovery;

import java.net.Inet4Address;
import java.net.Inet6Address;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.InterfaceAddress;
import java.net.NetworkInterface;
import java.net.SocketException;
import java.net.UnknownHostException;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;

/**
 * Where announcements go: the IPv4 broadcast address of every interface that is up, not loopback and
 * has one, and the IPv6 link-local group {@link #GROUP} on every such interface with multicast. Read
 * again at every announcement: interfaces come and go (DHCP, a cable, a VPN), which is the point.
 */
final class LanInterfaces {
    /** ff12::7373: transient (1), link-local scope (2); 0x7373 is "ss". Syncthing uses ff12::8384, BEP 14 ff15::efc0:988f. */
    static final Inet6Address GROUP;

    static final InetAddress LIMITED_BROADCAST;

    static {
        try {
            GROUP = (Inet6Address) InetAddress.getByName("ff12::7373");
            LIMITED_BROADCAST = InetAddress.getByAddress(new byte[] {-1, -1, -1, -1});
        } catch (UnknownHostException e) {
            throw new ExceptionInInitializerError(e);
        }
    }

    /** Which address families the node's peer port can be dialled on, judged from what it binds. */
    enum Families {
        NONE,
        IPV4,
        IPV6,
        BOTH;

        boolean v4() {
            return this == IPV4 || this == BOTH;
        }

        boolean v6() {
            return this == IPV6 || this == BOTH;
        }

        /**
         * A loopback bind cannot be dialled from the LAN: announcing it would only send peers to a dead
         * end. 0.0.0.0 counts as IPv4 only: announced over IPv6 too, a peer could hear that copy first
         * and dial an IPv6 address nothing listens on. For the same reason a specific IPv6 address
         * other than a link-local one is announced nowhere: link-local multicast leaves from the
         * interface's link-local address, and that is the address a peer would dial.
         */
        static Families of(String bindHost) {
            InetAddress a;
            try {
                a = InetAddress.getByName(bindHost);
            } catch (UnknownHostException e) {
                return NONE;
            }
            if (a.isLoopbackAddress()) {
                return NONE;
            }
            if (a instanceof Inet4Address) {
                return IPV4;
            }
            if (a.isAnyLocalAddress()) {
                return BOTH;
            }
            return a.isLinkLocalAddress() ? IPV6 : NONE;
        }
    }

    private LanInterfaces() {}

    /** {@code bindHost}'s address when it is a loopback one, else null. */
    static InetAddress loopback(String bindHost) {
        try {
            InetAddress a = InetAddress.getByName(bindHost);
            return a.isLoopbackAddress() ? a : null;
        } catch (UnknownHostException e) {
            return null;
        }
    }

    /** The interfaces announcements may go out on. */
    static List<NetworkInterface> usable() {
        List<NetworkInterface> out = new ArrayList<>();
        try {
            for (NetworkInterface nif : Collections.list(NetworkInterface.getNetworkInterfaces())) {
                if (nif.isUp() && !nif.isLoopback()) {
                    out.add(nif);
                }
            }
        } catch (SocketException e) {
            // no interface list: no LAN destinations this round
        }
        return out;
    }

    /** The broadcast and multicast destinations for {@code families} on the port. */
    static List<InetSocketAddress> destinations(Families families, int port) {
        List<InetSocketAddress> out = new ArrayList<>();
        boolean withoutBroadcast = false;
        for (NetworkInterface nif : usable()) {
            if (families.v4()) {
                for (InterfaceAddress ia : nif.getInterfaceAddresses()) {
                    // an address configured without one shows a broadcast address of 0.0.0.0
                    if (ia.getBroadcast() != null && !ia.getBroadcast().isAnyLocalAddress()) {
                        out.add(new InetSocketAddress(ia.getBroadcast(), port));
                    } else if (ia.getAddress() instanceof Inet4Address) {
                        withoutBroadcast = true;
                    }
                }
            }
            if (families.v6() && supportsMulticast(nif) && hasIpv6(nif)) {
                try {
                    out.add(new InetSocketAddress(Inet6Address.getByAddress(null, GROUP.getAddress(), nif), port));
                } catch (UnknownHostException e) {
                    // cannot happen for a 16-byte address
                }
            }
        }
        if (withoutBroadcast) {
            // an address configured without one (ip addr add without brd; DHCP always sets it): the
            // limited broadcast, which goes out the interface of the default route, if there is one
            out.add(new InetSocketAddress(LIMITED_BROADCAST, port));
        }
        return out;
    }

    static boolean supportsMulticast(NetworkInterface nif) {
        try {
            return nif.supportsMulticast();
        } catch (SocketException e) {
            return false;
        }
    }

    static boolean hasIpv6(NetworkInterface nif) {
        return Collections.list(nif.getInetAddresses()).stream().anyMatch(a -> a instanceof Inet6Address);
    }
}

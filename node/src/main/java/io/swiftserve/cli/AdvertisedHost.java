package io.swiftserve.cli;

import io.swiftserve.net.NetAddresses;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.util.List;
import java.util.Optional;
import java.util.function.Supplier;

/**
 * The address {@code run} advertises to other members. 127.0.0.1 was the default once, and a node on a
 * LAN machine that advertised it sent everyone who joined through its invites to themselves. Now loopback
 * is chosen only when asked for or when the network is plainly on this machine:
 * <ol>
 *   <li>--host / MACHINE_IP / {@code host} in the file: used as given; {@code auto} (AUTO_DETECT_IP=1)
 *       means this machine's LAN address, and none is an error;
 *   <li>else a loopback --bind: this node is reachable on loopback only, so it advertises that;
 *   <li>else, when every --peer and every address of the invite is loopback (a local cluster:
 *       scripts/cluster.sh, tests), 127.0.0.1;
 *   <li>else the LAN address ({@link LanAddress}); a machine without one advertises 127.0.0.1, unless
 *       a peer or the invite names another machine, which it could never reach back: an error.
 * </ol>
 */
final class AdvertisedHost {
    static final String LOOPBACK = "127.0.0.1";

    private AdvertisedHost() {}

    static String choose(String host, String bind, List<String> others, Supplier<Optional<String>> lanAddress) {
        if (host != null && !host.equalsIgnoreCase(Settings.AUTO)) {
            return host;
        }
        if (host != null) {
            return lanAddress
                    .get()
                    .orElseThrow(
                            () -> CliException.failed(
                                    "host is 'auto' (or AUTO_DETECT_IP=1) but this machine has no LAN address (an IPv4"
                                            + " address of an interface that is up, not loopback): set --host IP or MACHINE_IP"));
        }
        if (bind != null && isLoopback(bind)) {
            return bind;
        }
        List<String> remote =
                others.stream().filter(a -> !isLoopback(hostOf(a))).toList();
        if (!others.isEmpty() && remote.isEmpty()) {
            return LOOPBACK;
        }
        Optional<String> lan = lanAddress.get();
        if (lan.isPresent()) {
            return lan.get();
        }
        if (!remote.isEmpty()) {
            throw CliException.failed("this node's peers are on other machines (" + remote.get(0)
                    + ") but this machine has no LAN address to advertise: set --host IP or MACHINE_IP");
        }
        return LOOPBACK;
    }

    private static String hostOf(String hostPort) {
        try {
            InetSocketAddress a = NetAddresses.parse(hostPort);
            return a.getHostString();
        } catch (IllegalArgumentException e) {
            return hostPort;
        }
    }

    /** Loopback by its literal or the name localhost; other names count as other machines, unresolved. */
    static boolean isLoopback(String host) {
        String h = host.startsWith("[") && host.endsWith("]") ? host.substring(1, host.length() - 1) : host;
        if (h.equalsIgnoreCase("localhost")) {
            return true;
        }
        if (!h.matches("[0-9.]+|[0-9a-fA-F:]*:[0-9a-fA-F:.]*")) {
            return false;
        }
        try {
            return InetAddress.getByName(h).isLoopbackAddress(); // a literal: no lookup
        } catch (java.net.UnknownHostException e) {
            return false;
        }
    }
}

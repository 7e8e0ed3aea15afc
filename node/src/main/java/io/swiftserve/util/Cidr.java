package io.swiftserve.util;

import java.net.InetAddress;
import java.net.UnknownHostException;
import java.util.Arrays;

/**
 * An address block such as {@code 10.0.0.0/8} or {@code fc00::/7}. Parsed from literals only:
 * a name in an allow-list would be resolved at start-up and could mean something else later.
 */
public record Cidr(byte[] network, int prefix, String text) {

    /** @throws IllegalArgumentException with a one-line reason */
    public static Cidr parse(String text) {
        String t = text.trim();
        int slash = t.indexOf('/');
        String addr = slash < 0 ? t : t.substring(0, slash);
        if (!isLiteral(addr)) {
            throw new IllegalArgumentException(
                    "'" + text + "' is not an address block (e.g. 10.1.2.0/24, 192.168.1.5, fd00::/8)");
        }
        byte[] bytes;
        try {
            bytes = InetAddress.getByName(addr).getAddress();
        } catch (UnknownHostException e) {
            throw new IllegalArgumentException("'" + text + "' is not an address block: " + e.getMessage());
        }
        int max = bytes.length * 8;
        int prefix = max;
        if (slash >= 0) {
            try {
                prefix = Integer.parseInt(t.substring(slash + 1));
            } catch (NumberFormatException e) {
                prefix = -1;
            }
            if (prefix < 0 || prefix > max) {
                throw new IllegalArgumentException("'" + text + "': the prefix length must be 0.." + max);
            }
        }
        return new Cidr(mask(bytes, prefix), prefix, t);
    }

    /**
     * A dotted-quad IPv4 or an IPv6 literal (hex, colons, maybe a dotted tail; no zone id): the
     * JDK parses these without asking DNS, which anything else could make it do.
     */
    public static boolean isLiteral(String s) {
        if (s.contains(":")) {
            return s.matches("[0-9A-Fa-f:.]+");
        }
        if (!s.matches("(\\d{1,3}\\.){3}\\d{1,3}")) {
            return false;
        }
        for (String octet : s.split("\\.")) {
            if (Integer.parseInt(octet) > 255) {
                return false;
            }
        }
        return true;
    }

    /** Whether {@code address} (4 or 16 bytes, same family as this block) lies in it. */
    public boolean contains(byte[] address) {
        return address.length == network.length && Arrays.equals(mask(address, prefix), network);
    }

    private static byte[] mask(byte[] address, int prefix) {
        byte[] out = address.clone();
        for (int bit = prefix; bit < out.length * 8; bit++) {
            out[bit / 8] &= (byte) ~(0x80 >>> (bit % 8));
        }
        return out;
    }

    @Override
    public String toString() {
        return text;
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof Cidr c && c.prefix == prefix && Arrays.equals(c.network, network);
    }

    @Override
    public int hashCode() {
        return 31 * Arrays.hashCode(network) + prefix;
    }
}

package io.swiftserve.fetch;

import io.swiftserve.util.Cidr;
import java.net.InetAddress;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * Which addresses a helper may connect to for someone else's fetch: every public address, and a
 * loopback, link-local, private, shared (CGNAT), multicast, unspecified or otherwise special one
 * only if its operator allow-listed it ({@code run --fetch-allow CIDR}). Without this, any member
 * could make a helper GET its own loopback services, the cloud metadata address or hosts of the
 * helper's private network, and read back the answer. An IPv6 address that carries an IPv4 one
 * (mapped, compatible, NAT64, 6to4) is judged by the IPv4 address inside.
 */
public final class FetchTargets {
    private record Blocked(Cidr block, String kind) {}

    private static final List<Blocked> BLOCKED = List.of(
            blocked("0.0.0.0/8", "an unspecified (this-network)"),
            blocked("10.0.0.0/8", "a private (RFC 1918)"),
            blocked("100.64.0.0/10", "a shared (carrier-grade NAT)"),
            blocked("127.0.0.0/8", "a loopback"),
            blocked("169.254.0.0/16", "a link-local (cloud metadata)"),
            blocked("172.16.0.0/12", "a private (RFC 1918)"),
            blocked("192.0.0.0/24", "a special-purpose"),
            blocked("192.168.0.0/16", "a private (RFC 1918)"),
            blocked("198.18.0.0/15", "a special-purpose (benchmarking)"),
            blocked("224.0.0.0/4", "a multicast"),
            blocked("240.0.0.0/4", "a reserved or broadcast"),
            blocked("::/128", "an unspecified"),
            blocked("::1/128", "a loopback"),
            blocked("fc00::/7", "a unique-local (private)"),
            blocked("fe80::/10", "a link-local"),
            blocked("fec0::/10", "a site-local"),
            blocked("ff00::/8", "a multicast"),
            blocked("2001::/32", "a Teredo tunnel"));

    /** IPv6 blocks whose last 4 bytes are an IPv4 address; 6to4 (2002::/16) carries it in bytes 2..5. */
    private static final List<Cidr> EMBEDS_V4_AT_END =
            List.of(mapped(), Cidr.parse("::/96"), Cidr.parse("64:ff9b::/96"), Cidr.parse("64:ff9b:1::/48"));

    private static final Cidr SIX_TO_FOUR = Cidr.parse("2002::/16");

    private static final FetchTargets PUBLIC_ONLY = new FetchTargets(List.of());

    private final List<Cidr> allowed;

    private FetchTargets(List<Cidr> allowed) {
        this.allowed = List.copyOf(allowed);
    }

    /** Public addresses only: what a helper may reach unless its operator says more. */
    public static FetchTargets publicOnly() {
        return PUBLIC_ONLY;
    }

    /**
     * Public addresses plus the given blocks; each entry may hold several, comma-separated.
     *
     * @throws IllegalArgumentException with a one-line reason for the first entry that is not a block
     */
    public static FetchTargets allowing(List<String> entries) {
        List<Cidr> out = new ArrayList<>();
        for (String entry : entries) {
            for (String part : entry.split(",")) {
                if (!part.isBlank()) {
                    out.add(Cidr.parse(part));
                }
            }
        }
        return out.isEmpty() ? PUBLIC_ONLY : new FetchTargets(out);
    }

    /** The allow-list as given (for logs and status). */
    public List<String> allowList() {
        return allowed.stream().map(Cidr::toString).toList();
    }

    /** Null if a helper may connect to {@code address}, else why not (one line, naming the option that would allow it). */
    String refusal(InetAddress address) {
        byte[] raw = address.getAddress();
        byte[] v4 = embeddedV4(raw);
        for (Cidr c : allowed) {
            if (c.contains(raw) || (v4 != null && c.contains(v4))) {
                return null;
            }
        }
        String kind = kind(raw);
        if (kind == null && v4 != null) {
            kind = kind(v4);
        }
        if (kind == null) {
            return null;
        }
        String text = address.getHostAddress();
        return text + " is " + kind
                + " address: a helper connects there only if its operator allows it (run --fetch-allow " + text
                + (raw.length == 4 ? "/32" : "/128") + ")";
    }

    private static String kind(byte[] raw) {
        for (Blocked b : BLOCKED) {
            if (b.block().contains(raw)) {
                return b.kind();
            }
        }
        return null;
    }

    private static byte[] embeddedV4(byte[] raw) {
        if (raw.length != 16) {
            return null;
        }
        if (SIX_TO_FOUR.contains(raw)) {
            return Arrays.copyOfRange(raw, 2, 6);
        }
        for (Cidr c : EMBEDS_V4_AT_END) {
            if (c.contains(raw) && !Arrays.equals(raw, new byte[16]) && !isV6Loopback(raw)) {
                return Arrays.copyOfRange(raw, 12, 16);
            }
        }
        return null;
    }

    private static boolean isV6Loopback(byte[] raw) {
        byte[] one = new byte[16];
        one[15] = 1;
        return Arrays.equals(raw, one);
    }

    /** ::ffff:0:0/96 built from bytes: the JDK turns that literal into an IPv4 address, so it cannot be parsed as a v6 block. */
    private static Cidr mapped() {
        byte[] b = new byte[16];
        b[10] = (byte) 0xff;
        b[11] = (byte) 0xff;
        return new Cidr(b, 96, "::ffff:0:0/96");
    }

    private static Blocked blocked(String cidr, String kind) {
        return new Blocked(Cidr.parse(cidr), kind);
    }

    @Override
    public String toString() {
        return allowed.isEmpty() ? "public addresses only" : "public addresses and " + String.join(", ", allowList());
    }
}

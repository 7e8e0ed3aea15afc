package io.swiftserve.admin;

import com.sun.net.httpserver.HttpExchange;
import java.io.IOException;
import java.net.InetAddress;
import java.net.NetworkInterface;
import java.net.SocketException;
import java.net.URI;
import java.net.URISyntaxException;
import java.net.UnknownHostException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.regex.Pattern;

/**
 * Who may read the status page. Two checks, before any route:
 * <ul>
 * <li><b>Host</b>: the name the browser used must be this server's (a loopback name or address, the
 * bound address, any address of this machine when bound to all, this machine's host name, or a
 * name the operator listed). A page on {@code evil.example} whose DNS answer flips to 127.0.0.1 (DNS
 * rebinding) is same-origin with us in the browser, but its requests still say
 * {@code Host: evil.example} and get 421. Names are compared, never resolved: resolving is what the
 * attacker controls.</li>
 * <li><b>Read token</b>, when one is set: {@code Authorization: Bearer T}, {@code ?token=T}, or the
 * cookie a {@code ?token=T} visit of the page sets (so the page's own requests carry it).</li>
 * </ul>
 */
public final class StatusAccess {
    private static final Pattern IPV4 = Pattern.compile("\\d{1,3}(\\.\\d{1,3}){3}");

    /** How a node's status page is opened beyond loopback; see {@link #forBind}. */
    public record Options(Path tokenFile, boolean publicRead, List<String> hostNames) {
        public static final Options DEFAULT = new Options(null, false, List.of());
    }

    /** A refused request: HTTP status and the one-line reason sent back. */
    record Refusal(int code, String reason) {}

    private final Set<String> names;
    private final InetAddress bound;
    private final byte[] token;
    /** Per port: browsers keep cookies per host, not per port, and two nodes on one machine have two tokens. */
    private volatile String cookie = "swiftserve-status";

    private final String tokenSource;

    StatusAccess(Set<String> names, InetAddress bound, String token, String tokenSource) {
        this.names = Set.copyOf(names);
        this.bound = bound;
        this.token = token == null ? null : token.getBytes(StandardCharsets.UTF_8);
        this.tokenSource = tokenSource;
    }

    /**
     * The policy for a page bound to {@code bindHost}. On loopback no token is needed unless a token
     * file is given; beyond loopback the page needs a token unless {@code publicRead}: the token
     * file's, or {@code DIR/status.token}, made once (0600) and kept.
     */
    public static StatusAccess forBind(String bindHost, Options options, Path dataDir) throws IOException {
        InetAddress bound = InetAddress.getByName(bindHost);
        Set<String> names = new HashSet<>(List.of("localhost", normalise(bindHost)));
        options.hostNames().forEach(n -> names.add(normalise(n)));
        boolean beyondLoopback = !bound.isLoopbackAddress();
        if (beyondLoopback) {
            try {
                InetAddress self = InetAddress.getLocalHost();
                names.add(normalise(self.getHostName()));
                names.add(normalise(self.getCanonicalHostName()));
            } catch (UnknownHostException e) {
                // no name for this machine: addresses and --status-host-name still work
            }
        }
        String token = null;
        String source = null;
        if (options.tokenFile() != null) {
            token = StatusToken.read(options.tokenFile());
            source = options.tokenFile().toString();
        } else if (beyondLoopback && !options.publicRead()) {
            Path file = dataDir.resolve(StatusToken.FILE);
            token = StatusToken.loadOrCreate(file);
            source = file.toString();
        }
        return new StatusAccess(names, bound, token, source);
    }

    void boundTo(int port) {
        cookie = "swiftserve-status-" + port;
    }

    /** Where the token comes from (for the start-up line), or null when the page needs none. */
    String tokenSource() {
        return tokenSource;
    }

    /** Null when {@code ex} may be answered. */
    Refusal check(HttpExchange ex) {
        String host = ex.getRequestHeaders().getFirst("Host");
        if (host != null && !hostAllowed(host)) {
            return new Refusal(421, "this status page does not answer for host " + host);
        }
        if (token != null && !tokenGiven(ex)) {
            return new Refusal(
                    401,
                    "this status page needs its read token (" + tokenSource
                            + " on that machine): open /?token=TOKEN or send Authorization: Bearer TOKEN");
        }
        return null;
    }

    /** True when the request carries the token in its query: the page answers with a cookie and a redirect. */
    boolean tokenInQuery(HttpExchange ex) {
        return token != null
                && matches(AdminServer.query(ex.getRequestURI().getRawQuery()).get("token"));
    }

    /** The Set-Cookie value that lets the page's own requests carry the token. */
    String cookieHeader() {
        return cookie + "=" + new String(token, StandardCharsets.UTF_8) + "; Path=/; HttpOnly; SameSite=Lax";
    }

    private boolean tokenGiven(HttpExchange ex) {
        String auth = ex.getRequestHeaders().getFirst("Authorization");
        if (auth != null
                && auth.startsWith("Bearer ")
                && matches(auth.substring("Bearer ".length()).trim())) {
            return true;
        }
        if (tokenInQuery(ex)) {
            return true;
        }
        for (String header : ex.getRequestHeaders().getOrDefault("Cookie", List.of())) {
            for (String pair : header.split(";")) {
                int eq = pair.indexOf('=');
                if (eq > 0
                        && pair.substring(0, eq).trim().equals(cookie)
                        && matches(pair.substring(eq + 1).trim())) {
                    return true;
                }
            }
        }
        return false;
    }

    private boolean matches(String given) {
        return given != null && MessageDigest.isEqual(token, given.getBytes(StandardCharsets.UTF_8));
    }

    private boolean hostAllowed(String header) {
        String host;
        try {
            host = new URI("http://" + header.trim() + "/").getHost();
        } catch (URISyntaxException e) {
            return false;
        }
        if (host == null) {
            return false;
        }
        host = normalise(host);
        if (names.contains(host)) {
            return true;
        }
        InetAddress ip = ipLiteral(host);
        return ip != null
                && (ip.isLoopbackAddress() || ip.equals(bound) || (bound.isAnyLocalAddress() && isOwnAddress(ip)));
    }

    /** The address {@code host} spells, or null for a name (which is never resolved). */
    private static InetAddress ipLiteral(String host) {
        boolean v6 = host.startsWith("[") && host.endsWith("]");
        if (!v6 && !IPV4.matcher(host).matches()) {
            return null;
        }
        try {
            return InetAddress.getByName(v6 ? host.substring(1, host.length() - 1) : host); // a literal: no lookup
        } catch (UnknownHostException e) {
            return null;
        }
    }

    private static boolean isOwnAddress(InetAddress ip) {
        try {
            return NetworkInterface.getByInetAddress(ip) != null;
        } catch (SocketException e) {
            return false;
        }
    }

    private static String normalise(String name) {
        String n = name.trim().toLowerCase(Locale.ROOT);
        return n.endsWith(".") ? n.substring(0, n.length() - 1) : n;
    }
}

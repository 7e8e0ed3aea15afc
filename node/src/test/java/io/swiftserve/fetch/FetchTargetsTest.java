package io.swiftserve.fetch;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.swiftserve.cluster.InProcessCli;
import java.net.Inet6Address;
import java.net.InetAddress;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** Which addresses a helper may connect to, with and without an allow-list, and what an allow-list entry may be. */
@Timeout(value = 10, unit = TimeUnit.SECONDS)
class FetchTargetsTest {
    private final FetchTargets publicOnly = FetchTargets.publicOnly();

    @Test
    void internalAddressesOfEveryKindAreRefusedByDefault() throws Exception {
        for (String a : List.of(
                "127.0.0.1",
                "127.255.255.254",
                "10.0.0.1",
                "172.16.0.1",
                "172.31.255.255",
                "192.168.0.1",
                "169.254.169.254",
                "100.64.0.1",
                "100.127.255.255",
                "0.0.0.0",
                "0.1.2.3",
                "224.0.0.1",
                "239.255.255.250",
                "255.255.255.255",
                "240.0.0.1",
                "198.18.0.1",
                "192.0.0.8",
                "::",
                "::1",
                "fe80::1",
                "fc00::1",
                "fd12:3456::1",
                "fec0::1",
                "ff02::1",
                "::7f00:1",
                "64:ff9b::a9fe:a9fe",
                "2002:7f00:1::1",
                "2001:0:4136:e378::1")) {
            String why = publicOnly.refusal(InetAddress.getByName(a));
            System.out.printf("[FetchTargetsTest] %-22s -> %s%n", a, why);
            assertThat(why).as(a).isNotNull().contains("--fetch-allow");
        }
        // an IPv4-mapped IPv6 address kept as IPv6 (the JDK's parser would turn it into IPv4 first)
        byte[] mapped = new byte[16];
        mapped[10] = (byte) 0xff;
        mapped[11] = (byte) 0xff;
        mapped[12] = (byte) 169;
        mapped[13] = (byte) 254;
        mapped[14] = (byte) 169;
        mapped[15] = (byte) 254;
        Inet6Address v6 = Inet6Address.getByAddress(null, mapped, -1);
        assertThat(publicOnly.refusal(v6)).as("::ffff:169.254.169.254").contains("link-local");
    }

    @Test
    void publicAddressesAreAllowed() throws Exception {
        for (String a : List.of(
                "8.8.8.8",
                "1.1.1.1",
                "100.63.255.255",
                "100.128.0.1",
                "172.15.255.255",
                "172.32.0.1",
                "192.167.255.255",
                "169.253.0.1",
                "2606:4700:4700::1111",
                "2a00:1450::1",
                "64:ff9b::808:808")) {
            assertThat(publicOnly.refusal(InetAddress.getByName(a))).as(a).isNull();
        }
    }

    @Test
    void anAllowListOpensExactlyItsBlocks() throws Exception {
        FetchTargets t = FetchTargets.allowing(List.of("10.1.0.0/16,127.0.0.2", "fd00:1::/32"));
        assertThat(t.refusal(InetAddress.getByName("10.1.200.3"))).isNull();
        assertThat(t.refusal(InetAddress.getByName("10.2.0.1"))).contains("private");
        assertThat(t.refusal(InetAddress.getByName("127.0.0.2"))).isNull();
        assertThat(t.refusal(InetAddress.getByName("127.0.0.3"))).contains("loopback");
        assertThat(t.refusal(InetAddress.getByName("fd00:1::5"))).isNull();
        assertThat(t.refusal(InetAddress.getByName("fd00:2::5"))).contains("unique-local");
        assertThat(t.refusal(InetAddress.getByName("8.8.8.8"))).isNull();
        assertThat(t.toString()).isEqualTo("public addresses and 10.1.0.0/16, 127.0.0.2, fd00:1::/32");
    }

    @Test
    void anAllowListEntryMustBeAnAddressBlockNotAName() {
        for (String bad : List.of(
                "example.com",
                "localhost",
                "10.0.0.0/33",
                "10.0.0.0/x",
                "::1/129",
                "10.0.0.0/-1",
                "1.2.3.4.5",
                "999.1.1.1")) {
            assertThatThrownBy(() -> FetchTargets.allowing(List.of(bad)))
                    .as(bad)
                    .isInstanceOf(IllegalArgumentException.class)
                    .hasMessageContaining(bad.split("/")[0]);
        }
    }

    @Test
    void runTakesTheAllowListAndRefusesANameWithAOneLineUsageError() {
        InProcessCli.Result bad = InProcessCli.run(
                "run", "--data", "/nonexistent-swiftserve-dir", "--fetch-allow", "10.0.0.0/8,mirror.lan");
        System.out.printf(
                "[FetchTargetsTest] run --fetch-allow 10.0.0.0/8,mirror.lan -> exit %d: %s%n",
                bad.exitCode(), bad.err().trim());
        assertThat(bad.exitCode()).isEqualTo(2);
        assertThat(bad.errLines()).first().asString().contains("--fetch-allow: 'mirror.lan' is not an address block");
        InProcessCli.Result help = InProcessCli.run("help", "run");
        assertThat(help.out() + help.err()).contains("--fetch-allow=CIDR").contains("loopback");
    }
}

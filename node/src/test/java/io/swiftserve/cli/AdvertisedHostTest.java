package io.swiftserve.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.List;
import java.util.Optional;
import java.util.function.Supplier;
import org.junit.jupiter.api.Test;

/** Which address 'run' advertises: never 127.0.0.1 to members on other machines. */
class AdvertisedHostTest {
    private static final Supplier<Optional<String>> LAN = () -> Optional.of("192.168.1.20");
    private static final Supplier<Optional<String>> NO_LAN = Optional::empty;

    @Test
    void anExplicitHostIsHonouredLoopbackIncluded() {
        assertThat(AdvertisedHost.choose("127.0.0.1", null, List.of("10.0.0.5:8000"), LAN))
                .isEqualTo("127.0.0.1");
        assertThat(AdvertisedHost.choose("10.9.9.9", null, List.of(), NO_LAN)).isEqualTo("10.9.9.9");
    }

    @Test
    void autoIsTheLanAddressOrAnError() {
        assertThat(AdvertisedHost.choose("auto", null, List.of(), LAN)).isEqualTo("192.168.1.20");
        assertThatThrownBy(() -> AdvertisedHost.choose("auto", null, List.of(), NO_LAN))
                .isInstanceOf(CliException.class)
                .hasMessageContaining("no LAN address")
                .hasMessageContaining("--host IP or MACHINE_IP");
    }

    @Test
    void aLocalClusterKeepsLoopback() {
        assertThat(AdvertisedHost.choose(null, null, List.of("127.0.0.1:9001", "localhost:9002"), LAN))
                .isEqualTo("127.0.0.1");
        assertThat(AdvertisedHost.choose(null, null, List.of("[::1]:9001"), LAN))
                .isEqualTo("127.0.0.1");
        assertThat(AdvertisedHost.choose(null, "127.0.0.1", List.of(), LAN)).isEqualTo("127.0.0.1");
    }

    @Test
    void peersOnOtherMachinesOrNoneGetTheLanAddress() {
        assertThat(AdvertisedHost.choose(null, null, List.of("127.0.0.1:9001", "10.0.0.5:8000"), LAN))
                .isEqualTo("192.168.1.20");
        assertThat(AdvertisedHost.choose(null, null, List.of("nas.lan:8000"), LAN))
                .isEqualTo("192.168.1.20");
        assertThat(AdvertisedHost.choose(null, null, List.of(), LAN)).isEqualTo("192.168.1.20");
        assertThat(AdvertisedHost.choose(null, "0.0.0.0", List.of(), LAN)).isEqualTo("192.168.1.20");
    }

    @Test
    void withoutALanAddressLoopbackOnlyWhenNoPeerIsElsewhere() {
        assertThat(AdvertisedHost.choose(null, null, List.of(), NO_LAN)).isEqualTo("127.0.0.1");
        assertThatThrownBy(() -> AdvertisedHost.choose(null, null, List.of("10.0.0.5:8000"), NO_LAN))
                .isInstanceOf(CliException.class)
                .hasMessageContaining("10.0.0.5:8000")
                .hasMessageContaining("set --host IP or MACHINE_IP");
    }
}

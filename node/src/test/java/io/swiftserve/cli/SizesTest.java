package io.swiftserve.cli;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class SizesTest {
    @Test
    void bytesReadLikeLsDashH() {
        assertThat(Sizes.human(0)).isEqualTo("0 B");
        assertThat(Sizes.human(1023)).isEqualTo("1023 B");
        assertThat(Sizes.human(1024)).isEqualTo("1.00 KiB");
        assertThat(Sizes.human(209_715_200)).isEqualTo("200 MiB");
        assertThat(Sizes.human(1536L << 20)).isEqualTo("1.50 GiB");
        assertThat(Sizes.human(10_485_760 + 524_288)).isEqualTo("10.5 MiB");
    }
}

package io.swiftserve.daemon;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.LocalDateTime;
import org.junit.jupiter.api.Test;

class LimitScheduleTest {
    private static final long MIB = 1 << 20;
    /** 2026-12-07 is a Monday. */
    private static LocalDateTime at(int day, int hour, int minute) {
        return LocalDateTime.of(2026, 12, 6 + day, hour, minute);
    }

    @Test
    void ratesInBytesBitsAndOff() {
        assertThat(Rates.parse("20MiB/s")).isEqualTo(20 * MIB);
        assertThat(Rates.parse("20 mib")).isEqualTo(20 * MIB);
        assertThat(Rates.parse("100Mbit/s")).isEqualTo(12_500_000);
        assertThat(Rates.parse("1.5GB/s")).isEqualTo(1_500_000_000L);
        assertThat(Rates.parse("512KiB/s")).isEqualTo(512 << 10);
        assertThat(Rates.parse("off")).isZero();
        assertThat(Rates.parse(Rates.exact(12_500_000))).isEqualTo(12_500_000);
        assertThat(Rates.human(20 * MIB)).isEqualTo("20.0 MiB/s");
        assertThat(Rates.human(0)).isEqualTo("off");
        assertThatThrownBy(() -> Rates.parse("20MiBs")).hasMessageContaining("is not a rate");
        assertThatThrownBy(() -> Rates.parse("0")).hasMessageContaining("is not a rate");
        assertThatThrownBy(() -> Rates.parse("1KiB/s")).hasMessageContaining("below the smallest limit");
    }

    @Test
    void weekdaysByDayAndEveryNightPastMidnight() {
        LimitSchedule s = LimitSchedule.parse("Mon-Fri 08:00-18:00 up=20MiB/s down=off;  * 18:00-08:00 up=off");
        assertThat(s.toString()).isEqualTo("Mon-Fri 08:00-18:00 up=20MiB/s down=off; * 18:00-08:00 up=off");
        var monday = s.at(at(1, 8, 0)).orElseThrow();
        assertThat(monday.up()).isEqualTo(20 * MIB);
        assertThat(monday.down()).isZero();
        assertThat(s.at(at(5, 17, 59)).orElseThrow().up()).isEqualTo(20 * MIB);
        var night = s.at(at(5, 18, 0)).orElseThrow();
        assertThat(night.up()).isZero();
        assertThat(night.down()).as("not named: the node's own").isNull();
        assertThat(s.at(at(2, 7, 59)).orElseThrow().text()).startsWith("*");
        // a Saturday day: the weekday rule does not cover it, the night rule ended at 08:00
        assertThat(s.at(at(6, 12, 0))).isEmpty();
    }

    @Test
    void dayListsRangesAcrossTheWeekendAndWholeDays() {
        LimitSchedule s = LimitSchedule.parse("fri-mon 22:00-06:00 down=1MiB/s; sat,sun 00:00-24:00 up=2MiB/s");
        assertThat(s.at(at(1, 5, 59)).orElseThrow().down())
                .as("monday morning, from sunday night")
                .isEqualTo(MIB);
        assertThat(s.at(at(2, 5, 59)).orElseThrow().down())
                .as("tuesday morning, from monday night")
                .isEqualTo(MIB);
        assertThat(s.at(at(3, 5, 59)))
                .as("wednesday morning: tuesday night is not in fri-mon")
                .isEmpty();
        assertThat(s.at(at(6, 12, 0)).orElseThrow().up()).isEqualTo(2 * MIB);
        assertThat(s.at(at(7, 23, 59)).orElseThrow().text()).startsWith("fri-mon");
        assertThat(LimitSchedule.parse("off").isEmpty()).isTrue();
    }

    @Test
    void badRulesSayWhichAndWhy() {
        assertThatThrownBy(() -> LimitSchedule.parse("* 08:00-08:00 up=1MiB/s")).hasMessageContaining("same time");
        assertThatThrownBy(() -> LimitSchedule.parse("* 24:00-08:00 up=1MiB/s")).hasMessageContaining("not a time");
        assertThatThrownBy(() -> LimitSchedule.parse("* 08:00-18:00")).hasMessageContaining("not DAYS");
        assertThatThrownBy(() -> LimitSchedule.parse("mon 08:00-18:00 up=1MiB/s; xyz 01:00-02:00 up=off"))
                .hasMessageContaining("'xyz' is not a day");
    }
}

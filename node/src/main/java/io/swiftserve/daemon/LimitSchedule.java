package io.swiftserve.daemon;

import java.time.DayOfWeek;
import java.time.LocalDateTime;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * A weekly bandwidth schedule: rules separated by ';', each {@code DAYS HH:MM-HH:MM} and at least one
 * of {@code up=RATE} and {@code down=RATE} ({@link Rates}, or off), e.g.
 * {@code mon-fri 08:00-18:00 up=20MiB/s down=off; * 18:00-08:00 up=off}. DAYS is {@code *} or a
 * comma list of days and day ranges ({@code mon-fri}, {@code sat,sun}). A range that ends at or
 * before its start runs past midnight and belongs to the day it starts on; 24:00 ends a day. The
 * node's local time decides; the first rule that covers the moment wins, and a direction it does not
 * name, or a moment no rule covers, keeps the node's own limit. Names and units may be in any case.
 */
public final class LimitSchedule {
    private static final List<String> DAYS = List.of("mon", "tue", "wed", "thu", "fri", "sat", "sun");
    private static final Pattern RULE = Pattern.compile(
            "(\\*|[a-z]{3}(?:-[a-z]{3})?(?:,[a-z]{3}(?:-[a-z]{3})?)*)\\s+(\\d{2}):(\\d{2})-(\\d{2}):(\\d{2})((?:\\s+\\S+)+)");

    /** {@code up} and {@code down} in bytes per second, 0 for no limit, null when the rule does not say. */
    public record Rule(String text, EnumSet<DayOfWeek> days, int start, int end, Long up, Long down) {
        boolean covers(LocalDateTime t) {
            int minute = t.getHour() * 60 + t.getMinute();
            DayOfWeek day = t.getDayOfWeek();
            if (start < end) {
                return days.contains(day) && minute >= start && minute < end;
            }
            return days.contains(day) && minute >= start || days.contains(day.minus(1)) && minute < end;
        }
    }

    private final String spec;
    private final List<Rule> rules;

    private LimitSchedule(String spec, List<Rule> rules) {
        this.spec = spec;
        this.rules = rules;
    }

    public static final LimitSchedule NONE = new LimitSchedule("", List.of());

    /** Parses a schedule ("" or "off": none); the exception's message is one line for the user. */
    public static LimitSchedule parse(String text) {
        String t = text == null ? "" : text.trim();
        if (t.isEmpty() || t.equalsIgnoreCase("off")) {
            return NONE;
        }
        List<Rule> rules = new ArrayList<>();
        List<String> texts = new ArrayList<>();
        for (String part : t.split(";")) {
            String r = part.trim().replaceAll("\\s+", " ");
            if (!r.isEmpty()) {
                rules.add(rule(r));
                texts.add(r);
            }
        }
        if (rules.isEmpty()) {
            return NONE;
        }
        return new LimitSchedule(String.join("; ", texts), List.copyOf(rules));
    }

    /** {@code text}: one rule as written (spaces collapsed), which messages quote and the view shows. */
    private static Rule rule(String text) {
        Matcher m = RULE.matcher(text.toLowerCase(Locale.ROOT));
        if (!m.matches()) {
            throw bad(text, "not DAYS HH:MM-HH:MM up=RATE down=RATE, e.g. 'mon-fri 08:00-18:00 up=20MiB/s'");
        }
        int start = minute(text, m.group(2), m.group(3), false);
        int end = minute(text, m.group(4), m.group(5), true);
        if (start == end) {
            throw bad(text, "starts and ends at the same time (a whole day is 00:00-24:00)");
        }
        Long up = null;
        Long down = null;
        for (String setting : m.group(6).trim().split(" ")) {
            String[] kv = setting.split("=", 2);
            if (kv.length != 2 || !(kv[0].equals("up") || kv[0].equals("down"))) {
                throw bad(text, "'" + setting + "' is not up=RATE or down=RATE");
            }
            long rate;
            try {
                rate = Rates.parse(kv[1]);
            } catch (IllegalArgumentException e) {
                throw bad(text, e.getMessage());
            }
            if (kv[0].equals("up")) {
                up = rate;
            } else {
                down = rate;
            }
        }
        return new Rule(text, days(text, m.group(1)), start, end % (24 * 60), up, down);
    }

    private static EnumSet<DayOfWeek> days(String rule, String spec) {
        if (spec.equals("*")) {
            return EnumSet.allOf(DayOfWeek.class);
        }
        EnumSet<DayOfWeek> days = EnumSet.noneOf(DayOfWeek.class);
        for (String range : spec.split(",")) {
            String[] ends = range.split("-");
            int from = day(rule, ends[0]);
            int to = ends.length > 1 ? day(rule, ends[1]) : from;
            for (int d = from; ; d = (d + 1) % 7) {
                days.add(DayOfWeek.of(d + 1));
                if (d == to) {
                    break;
                }
            }
        }
        return days;
    }

    private static int day(String rule, String name) {
        int i = DAYS.indexOf(name);
        if (i < 0) {
            throw bad(rule, "'" + name + "' is not a day (mon, tue, wed, thu, fri, sat, sun)");
        }
        return i;
    }

    private static int minute(String rule, String hh, String mm, boolean end) {
        int h = Integer.parseInt(hh);
        int m = Integer.parseInt(mm);
        if (m > 59 || h > 24 || h == 24 && (m != 0 || !end)) {
            throw bad(rule, hh + ":" + mm + " is not a time of day (00:00 to 23:59, or 24:00 as an end)");
        }
        return h * 60 + m;
    }

    private static IllegalArgumentException bad(String rule, String why) {
        return new IllegalArgumentException("schedule rule '" + rule + "': " + why);
    }

    /** The first rule covering {@code t}, if any. */
    public Optional<Rule> at(LocalDateTime t) {
        return rules.stream().filter(r -> r.covers(t)).findFirst();
    }

    public boolean isEmpty() {
        return rules.isEmpty();
    }

    /** The schedule as written, in single spaces with "; " between rules, "" for none. */
    @Override
    public String toString() {
        return spec;
    }
}

package io.swiftserve.chain;

import java.nio.charset.StandardCharsets;
import java.util.Collection;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Pattern;

/**
 * Member labels ("gpu", "lab2"): the names a version's placement selects members by. Bounded so a
 * member's labels and a FileAdd's targets stay small on the chain and in every node's state.
 */
public final class Labels {
    public static final int MAX_PER_MEMBER = 32;
    private static final Pattern SYNTAX = Pattern.compile("[a-z0-9-]{1,32}");

    private Labels() {}

    /** Why {@code label} is not a label, or null if it is one. */
    public static String problem(String label) {
        return SYNTAX.matcher(label).matches() ? null : "label '" + label + "' is not 1 to 32 of a-z, 0-9, '-'";
    }

    /** Throws unless every label is valid, none repeats and there are at most {@link #MAX_PER_MEMBER}. */
    static void check(Collection<String> labels, String what) throws InvalidException {
        InvalidException.check(labels.size() <= MAX_PER_MEMBER, what + ": more than " + MAX_PER_MEMBER + " labels");
        for (String l : labels) {
            String p = problem(l);
            InvalidException.check(p == null, what + ": " + p);
        }
        InvalidException.check(Set.copyOf(labels).size() == labels.size(), what + ": a label repeats");
    }

    /** Sorted and comma-separated: labels cannot hold a comma. */
    static byte[] encode(Set<String> labels) {
        return String.join(",", new TreeSet<>(labels)).getBytes(StandardCharsets.UTF_8);
    }

    static Set<String> decode(byte[] value) {
        String s = new String(value, StandardCharsets.UTF_8);
        return s.isEmpty() ? Set.of() : new TreeSet<>(List.of(s.split(",")));
    }
}

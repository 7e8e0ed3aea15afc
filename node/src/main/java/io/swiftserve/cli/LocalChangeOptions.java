package io.swiftserve.cli;

import io.swiftserve.transfer.LocalPolicy;
import io.swiftserve.util.Durations;
import java.time.Duration;
import java.util.Locale;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import picocli.CommandLine.Option;

/** {@code run}'s options for local edits under the share directory and for the versions kept. */
final class LocalChangeOptions {
    private static final Pattern SIZE = Pattern.compile("(\\d{1,12})\\s*(B|KiB|MiB|GiB|TiB)?");

    @Option(
            names = "--local-changes",
            paramLabel = "POLICY",
            defaultValue = "keep-aside",
            description = "A file edited or deleted under the share directory: keep-aside (default: the edited copy"
                    + " is renamed NAME.swiftserve-conflict-DATE next to it and the network's version restored) or"
                    + " keep-local (the edit stays, is not served, and shows as locally changed until you delete it).")
    String onChange;

    @Option(
            names = "--keep-versions",
            paramLabel = "DURATION",
            defaultValue = "30d",
            description = "How long replaced and deleted versions stay in DIR/versions (default ${DEFAULT-VALUE};"
                    + " forever: never pruned by age).")
    String keepVersions;

    @Option(
            names = "--versions-max-size",
            paramLabel = "SIZE",
            defaultValue = "off",
            description = "At most this much in DIR/versions, oldest pruned first, e.g. 20GiB (default: off).")
    String versionsMaxSize;

    LocalPolicy policy() {
        LocalPolicy.OnChange mode = switch (onChange.trim().toLowerCase(Locale.ROOT)) {
            case "keep-aside" -> LocalPolicy.OnChange.KEEP_ASIDE;
            case "keep-local" -> LocalPolicy.OnChange.KEEP_LOCAL;
            default ->
                throw new CliException(
                        Main.USAGE, "--local-changes: '" + onChange + "' is not keep-aside or keep-local");
        };
        Duration keep;
        try {
            keep = "forever".equals(keepVersions.trim()) ? null : Durations.parse(keepVersions);
        } catch (IllegalArgumentException e) {
            throw new CliException(Main.USAGE, "--keep-versions: " + e.getMessage() + ", or forever");
        }
        return LocalPolicy.DEFAULT.withOnChange(mode).withVersions(keep, size(versionsMaxSize));
    }

    private static long size(String text) {
        if ("off".equals(text.trim())) {
            return 0;
        }
        Matcher m = SIZE.matcher(text.trim());
        if (!m.matches() || Long.parseLong(m.group(1)) == 0) {
            throw new CliException(
                    Main.USAGE, "--versions-max-size: '" + text + "' is not a size like 500MiB or 20GiB (or off)");
        }
        int shift = switch (m.group(2) == null ? "B" : m.group(2)) {
            case "KiB" -> 10;
            case "MiB" -> 20;
            case "GiB" -> 30;
            case "TiB" -> 40;
            default -> 0;
        };
        return Long.parseLong(m.group(1)) << shift;
    }
}

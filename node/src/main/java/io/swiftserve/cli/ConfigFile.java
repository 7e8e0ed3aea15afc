package io.swiftserve.cli;

import java.io.IOException;
import java.io.Reader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Properties;
import java.util.Set;
import java.util.TreeMap;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Model.OptionSpec;

/**
 * The config file, {@code KEY = VALUE} lines read by {@link Properties}. A key is an option's long name
 * without dashes, for every command that has it ({@code data}), or scoped to one command by its name
 * ({@code run.port}, {@code proto.call.timeout}). Keys are checked against the commands' options, so a
 * typo is an error rather than a setting that silently does nothing.
 */
final class ConfigFile {
    static final String DEFAULT_PATH = "/etc/swiftserve/swiftserve.conf";
    static final String ENV = "SWIFTSERVE_CONFIG";
    /** Replaces the default path; tests point it away from the machine's own file. */
    static final String DEFAULT_PATH_PROPERTY = "swiftserve.config.default";
    /** Options that are about the command line itself, never settings. */
    private static final Set<String> NOT_SETTINGS = Set.of("help", "version", "config");
    /**
     * Options that only their scoped key sets: {@code proto call --data} means "handshake as this node",
     * and the data dir of every other command must not make a debugging session a member's second one.
     */
    static final Set<String> SCOPED_ONLY = Set.of("proto.call.data");

    private final Path path;
    private final String origin;
    private final Map<String, String> entries;
    private final List<String> lines;

    private ConfigFile(Path path, String origin, Map<String, String> entries, List<String> lines) {
        this.path = path;
        this.origin = origin;
        this.entries = entries;
        this.lines = lines;
    }

    /** The file named by {@code --config}, else SWIFTSERVE_CONFIG, else the default path (which may be missing). */
    static ConfigFile locate(String flag, Map<String, String> env) {
        if (flag != null) {
            return load(Path.of(flag), "flag", true);
        }
        String fromEnv = env.get(ENV);
        if (fromEnv != null && !fromEnv.isBlank()) {
            return load(Path.of(fromEnv.trim()), "env:" + ENV, true);
        }
        return load(Path.of(System.getProperty(DEFAULT_PATH_PROPERTY, DEFAULT_PATH)), "default", false);
    }

    private static ConfigFile load(Path path, String origin, boolean explicit) {
        Properties p = new Properties();
        List<String> lines;
        try (Reader r = Files.newBufferedReader(path, StandardCharsets.UTF_8)) {
            p.load(r);
            lines = Files.readAllLines(path, StandardCharsets.UTF_8);
        } catch (NoSuchFileException e) {
            if (explicit) {
                throw new CliException(Main.USAGE, "config file " + path + ": no such file");
            }
            return new ConfigFile(path, origin, Map.of(), List.of());
        } catch (IOException | IllegalArgumentException e) {
            throw new CliException(Main.USAGE, "config file " + path + ": " + e.getMessage());
        }
        Map<String, String> entries = new TreeMap<>();
        p.stringPropertyNames()
                .forEach(k -> entries.put(k.trim(), p.getProperty(k).trim()));
        return new ConfigFile(path, origin, entries, lines);
    }

    /** Fails, in one line naming the file, line and key, on a key no command knows or an empty value. */
    void check(CommandSpec root) {
        Set<String> known = new java.util.HashSet<>();
        collect(root, known);
        for (Map.Entry<String, String> e : entries.entrySet()) {
            String key = e.getKey();
            if (!known.contains(key)) {
                throw new CliException(
                        Main.USAGE,
                        where(key) + ": unknown key '" + key + "' (a key is an option's long name, e.g. data,"
                                + " or COMMAND.NAME for one command, e.g. run.port)");
            }
            if (key.equals("join") || key.endsWith(".join")) {
                // the file is world-readable by design (every user's commands find the data dir in it)
                throw new CliException(
                        Main.USAGE,
                        where(key) + ": an invite token is a secret, not a setting: put it in a file of mode 0600"
                                + " and set run.join-file = FILE");
            }
            if (e.getValue().isEmpty()) {
                throw new CliException(Main.USAGE, where(key) + ": " + key + " has no value");
            }
        }
    }

    private static void collect(CommandSpec spec, Set<String> known) {
        for (OptionSpec o : spec.options()) {
            String key = key(o);
            if (!NOT_SETTINGS.contains(key)) {
                known.add(key);
                known.add(scoped(spec, key));
            }
        }
        spec.subcommands().values().forEach(sub -> collect(sub.getCommandSpec(), known));
    }

    /** The value for option {@code o}: its command's scoped key first, then the key for every command. */
    Optional<Entry> lookup(OptionSpec o) {
        String key = key(o);
        if (NOT_SETTINGS.contains(key)) {
            return Optional.empty();
        }
        String scoped = scoped(o.command(), key);
        for (String k : SCOPED_ONLY.contains(scoped) ? List.of(scoped) : List.of(scoped, key)) {
            if (entries.containsKey(k)) {
                return Optional.of(new Entry(k, entries.get(k)));
            }
        }
        return Optional.empty();
    }

    record Entry(String key, String value) {}

    static String key(OptionSpec o) {
        return o.longestName().replaceFirst("^-+", "");
    }

    /** {@code run.port}; a key of the top command stays unscoped. */
    static String scoped(CommandSpec command, String key) {
        String name = command.qualifiedName(".");
        int dot = name.indexOf('.');
        return dot < 0 ? key : name.substring(dot + 1) + "." + key;
    }

    /** {@code FILE:LINE} of {@code key}, or just FILE when the line cannot be told (a continued line). */
    String where(String key) {
        for (int i = 0; i < lines.size(); i++) {
            String l = lines.get(i).stripLeading();
            if (l.startsWith(key) && l.substring(key.length()).matches("\\s*[=:\\s].*|\\s*")) {
                return path + ":" + (i + 1);
            }
        }
        return path.toString();
    }

    Map<String, String> entries() {
        return entries;
    }

    Path path() {
        return path;
    }

    /** flag, env:SWIFTSERVE_CONFIG or default. */
    String origin() {
        return origin;
    }

    boolean exists() {
        return Files.exists(path);
    }
}

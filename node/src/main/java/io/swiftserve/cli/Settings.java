package io.swiftserve.cli;

import java.util.IdentityHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import picocli.CommandLine;
import picocli.CommandLine.Model.ArgSpec;
import picocli.CommandLine.Model.OptionSpec;

/**
 * Where an option's value comes from when the command line does not give it: the environment, then
 * the config file. picocli asks this for every option of the command it parses, so every option of
 * every command can be set in the file without being declared twice; what the command line gives
 * still wins, and what neither gives falls back to the option's own default.
 */
final class Settings implements CommandLine.IDefaultValueProvider {
    /** AUTO_DETECT_IP=1 stands for this value of run's --host. */
    static final String AUTO = "auto";

    /** A value and where it came from: flag, env:NAME, file:PATH or default. */
    record Value(String text, String source) {}

    private final ConfigFile file;
    private final Map<String, String> env;
    private final Map<ArgSpec, Value> supplied = new IdentityHashMap<>();

    Settings(ConfigFile file, Map<String, String> env) {
        this.file = file;
        this.env = env;
    }

    @Override
    public String defaultValue(ArgSpec arg) {
        if (!(arg instanceof OptionSpec o)) {
            return null;
        }
        Optional<Value> v = lookup(o);
        v.ifPresent(value -> supplied.put(arg, value));
        return v.map(Value::text).orElse(null);
    }

    /** The environment's value for {@code o}, else the file's. */
    Optional<Value> lookup(OptionSpec o) {
        Optional<Value> fromEnv = fromEnv(ConfigFile.scoped(o.command(), ConfigFile.key(o)));
        if (fromEnv.isPresent()) {
            return fromEnv;
        }
        return file.lookup(o).map(e -> new Value(e.value(), "file:" + file.path()));
    }

    // the variables the systemd env file and scripts have always set, and SWIFTSERVE_DATA
    private Optional<Value> fromEnv(String scopedKey) {
        List<String> names = switch (scopedKey) {
            case "run.port" -> List.of("PORT");
            case "run.host" -> List.of("MACHINE_IP", "AUTO_DETECT_IP");
            case "run.transport" -> List.of(io.swiftserve.net.Transport.ENV);
            default ->
                (scopedKey.equals("data") || scopedKey.endsWith(".data")) && !ConfigFile.SCOPED_ONLY.contains(scopedKey)
                        ? List.of("SWIFTSERVE_DATA")
                        : List.of();
        };
        for (String name : names) {
            String v = env.get(name);
            if (v == null || v.isBlank()) {
                continue;
            }
            if (name.equals("AUTO_DETECT_IP")) {
                if (v.trim().equals("1")) {
                    return Optional.of(new Value(AUTO, "env:AUTO_DETECT_IP"));
                }
                continue;
            }
            return Optional.of(new Value(v.trim(), "env:" + name));
        }
        return Optional.empty();
    }

    /** What this provider gave {@code arg} in the parse just done, if anything. */
    Optional<Value> supplied(ArgSpec arg) {
        return Optional.ofNullable(supplied.get(arg));
    }

    /** "PORT" or "/etc/swiftserve/swiftserve.conf:3 (run.port)": where to fix a bad value. */
    String describe(OptionSpec o, Value v) {
        if (v.source().startsWith("env:")) {
            return v.source().substring(4) + "='" + v.text() + "'";
        }
        String key = file.lookup(o).map(ConfigFile.Entry::key).orElse(ConfigFile.key(o));
        return file.where(key) + " (" + key + ")";
    }

    /**
     * How to name option {@code name} of {@code command} in an error found after parsing: the flag
     * itself, or where its value came from ("PORT='x'", "FILE:3 (run.port)").
     */
    String origin(CommandLine.Model.CommandSpec command, String name) {
        OptionSpec o = command.findOption(name);
        if (o == null || command.commandLine().getParseResult().hasMatchedOption(o)) {
            return name;
        }
        return supplied(o).map(v -> describe(o, v)).orElse(name);
    }

    ConfigFile file() {
        return file;
    }
}

package io.swiftserve.cli;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.swiftserve.admin.Json;
import java.io.PrintWriter;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.Callable;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Model.OptionSpec;
import picocli.CommandLine.Option;

@Command(
        name = "config",
        description = {
            "Show the effective settings: the config file, the data dir and every option of 'run', each with",
            "its value and where it came from (flag, env:NAME, file:PATH or default); then what the file sets",
            "for other commands. Precedence: flags, then the environment, then the file, then defaults.",
            "A value a command would refuse is reported on stderr, with exit code 2."
        })
final class ConfigCommand implements Callable<Integer> {
    @Mixin
    DataDirOption data;

    @Option(names = "--json", description = "Print machine-readable JSON instead of text.")
    boolean json;

    @CommandLine.ParentCommand
    Main main;

    @CommandLine.Spec
    CommandSpec spec;

    record Row(String key, String value, String source) {}

    @Override
    public Integer call() {
        Settings settings = main.settings;
        ConfigFile file = settings.file();
        List<Row> rows = new ArrayList<>();
        rows.add(new Row("config", file.path() + (file.exists() ? "" : " (missing)"), file.origin()));
        OptionSpec dataOption = spec.findOption("--data");
        Set<String> shown = new HashSet<>();
        rows.add(row(
                "data",
                dataOption,
                settings,
                spec.commandLine().getParseResult().hasMatchedOption("--data")));
        CommandSpec run = spec.parent().subcommands().get("run").getCommandSpec();
        for (OptionSpec o : run.options()) {
            String key = ConfigFile.key(o);
            if (o.usageHelp() || o.versionHelp() || key.equals("config") || key.equals("data")) {
                continue;
            }
            Row r = row("run." + key, o, settings, false);
            if (key.equals("host") && (r.value().isEmpty() || r.value().equalsIgnoreCase(Settings.AUTO))) {
                r = new Row(r.key(), r.value() + hostNote(r.value()), r.source());
            }
            rows.add(r);
        }
        rows.forEach(r -> shown.add(r.key()));
        // what the file sets for the other commands (keys of every command were checked at start)
        for (Map.Entry<String, String> e : file.entries().entrySet()) {
            if (!shown.contains(e.getKey()) && !e.getKey().equals("data")) {
                rows.add(new Row(e.getKey(), e.getValue(), "file:" + file.path()));
            }
        }
        CommandLine fresh = Main.withAll(new Main());
        fresh.setDefaultValueProvider(settings);
        List<String> problems = problems(fresh, settings, spec.parent(), new ArrayList<>());
        print(rows, problems);
        return problems.isEmpty() ? Main.OK : Main.USAGE;
    }

    /**
     * Parses each command given values by the environment or the file with nothing on its command
     * line, so picocli converts those values as it would for the real command: a bad one shows here,
     * before a restart of the service finds it.
     */
    private static List<String> problems(CommandLine fresh, Settings settings, CommandSpec command, List<String> path) {
        List<String> out = new ArrayList<>();
        if (!path.isEmpty()
                && command.options().stream().anyMatch(o -> settings.lookup(o).isPresent())) {
            String[] args = path.toArray(String[]::new);
            try {
                fresh.parseArgs(args);
            } catch (CommandLine.MissingParameterException e) {
                // the command's own required arguments (add FILE, init --network): not settings
            } catch (CommandLine.ParameterException e) {
                String where = Main.fromSettings(settings, e, args);
                if (!where.isEmpty()) {
                    out.add(where + e.getMessage());
                }
            }
        }
        command.subcommands().forEach((name, sub) -> {
            if (!sub.getCommandSpec().usageMessage().hidden() && !name.equals("help")) {
                List<String> deeper = new ArrayList<>(path);
                deeper.add(name);
                out.addAll(problems(fresh, settings, sub.getCommandSpec(), deeper));
            }
        });
        return out;
    }

    private static Row row(String key, OptionSpec o, Settings settings, boolean onCommandLine) {
        if (onCommandLine) {
            return new Row(key, String.valueOf((Object) o.getValue()), "flag");
        }
        Optional<Settings.Value> v = settings.lookup(o);
        if (v.isPresent()) {
            return new Row(key, v.get().text(), v.get().source());
        }
        String d = o.defaultValue();
        if (d == null && o.arity().max() == 0) {
            d = "false"; // a switch
        }
        return new Row(key, d == null ? "" : d, "default");
    }

    private static String hostNote(String value) {
        String lan = LanAddress.detect().orElse(null);
        String prefix = value.isEmpty() ? "" : " ";
        if (lan == null) {
            return prefix + "(no LAN address here: " + (value.isEmpty() ? "127.0.0.1)" : "'run' refuses to start)");
        }
        return prefix + "(LAN address " + lan + (value.isEmpty() ? "; 127.0.0.1 when every --peer is loopback)" : ")");
    }

    private void print(List<Row> rows, List<String> problems) {
        PrintWriter out = spec.commandLine().getOut();
        if (json) {
            ObjectNode root = Json.MAPPER.createObjectNode();
            ArrayNode list = root.putArray("settings");
            for (Row r : rows) {
                list.addObject().put("key", r.key()).put("value", r.value()).put("source", r.source());
            }
            problems.forEach(root.putArray("problems")::add);
            out.println(Json.write(root));
        } else {
            int width = rows.stream().mapToInt(r -> r.key().length()).max().orElse(0);
            int valueWidth =
                    rows.stream().mapToInt(r -> r.value().length()).max().orElse(0);
            for (Row r : rows) {
                String value = r.value().isEmpty() ? "-" : r.value();
                out.printf("%-" + width + "s  %-" + Math.max(valueWidth, 1) + "s  %s%n", r.key(), value, r.source());
            }
            problems.forEach(p -> spec.commandLine().getErr().println("swiftserve: " + p));
        }
        out.flush();
    }
}

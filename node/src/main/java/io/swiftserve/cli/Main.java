package io.swiftserve.cli;

import picocli.CommandLine;
import picocli.CommandLine.Command;

/**
 * The {@code swiftserve} command. Only this layer decides exit codes: 0 success, 1 the request
 * failed, 2 bad usage, 3 no daemon running for the data dir.
 */
// INHERIT: every subcommand gets --help and --version, so `swiftserve add --help` answers instead of failing
@Command(
        name = "swiftserve",
        mixinStandardHelpOptions = true,
        scope = CommandLine.ScopeType.INHERIT,
        versionProvider = Main.Version.class,
        description = "Replicates files to every member of a private LAN network, swarm-style.")
public final class Main implements Runnable {
    public static final int OK = 0;
    public static final int FAILED = 1;
    public static final int USAGE = 2;
    public static final int NOT_RUNNING = 3;

    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    // read before parsing (Settings needs the file first); declared so every command accepts and documents it
    @CommandLine.Option(
            names = "--config",
            paramLabel = "FILE",
            scope = CommandLine.ScopeType.INHERIT,
            description = "Settings file (default: $SWIFTSERVE_CONFIG, else " + ConfigFile.DEFAULT_PATH + ").")
    java.nio.file.Path config;

    /** The environment and the config file behind every option the command line leaves out. */
    Settings settings;

    /**
     * The subcommands, in the order help lists them. Registered in code rather than in the annotation
     * so that a command line naming one builds picocli's model of that one only: reflecting over every
     * command's options was 0.25 CPU-s of each 0.4 s CLI call, and {@code add}'s start-up is on the
     * clock of every file it publishes.
     */
    static final java.util.List<Class<?>> COMMANDS = java.util.List.of(
            InitCommand.class,
            RunCommand.class,
            InviteCommand.class,
            PendingCommand.class,
            ApproveCommand.class,
            DenyCommand.class,
            StatusCommand.class,
            PeersCommand.class,
            ChainCommand.class,
            LeaveCommand.class,
            RevokeCommand.class,
            AddCommand.class,
            GetCommand.class,
            WhereCommand.class,
            LabelCommand.class,
            WatchCommand.class,
            FetchCommand.class,
            RmCommand.class,
            VersionsCommand.class,
            AuditCommand.class,
            LsCommand.class,
            LimitCommand.class,
            ConfigCommand.class,
            ProtoCommand.class,
            WarmupCommand.class,
            CommandLine.HelpCommand.class,
            // hidden: what install.sh installs beside the jar
            picocli.AutoComplete.GenerateCompletion.class,
            ManPagesCommand.class);

    /** Commands that look at the other commands' options: they always get the whole tree. */
    private static final java.util.Set<Class<?>> NEED_ALL = java.util.Set.of(
            ConfigCommand.class,
            WarmupCommand.class,
            CommandLine.HelpCommand.class,
            picocli.AutoComplete.GenerateCompletion.class,
            ManPagesCommand.class);

    /** {@code main} with every subcommand: for help, completion, man pages and the config check. */
    static CommandLine withAll(Main main) {
        return with(main, COMMANDS);
    }

    private static CommandLine with(Main main, java.util.List<Class<?>> commands) {
        CommandLine cli = new CommandLine(main);
        for (Class<?> c : commands) {
            cli.addSubcommand(new CommandLine(c));
        }
        CommandLine completion = cli.getSubcommands().get("generate-completion");
        if (completion != null) {
            completion.getCommandSpec().usageMessage().hidden(true);
        }
        return cli;
    }

    /** The one subcommand {@code first} names, if it needs no other; else null. */
    private static Class<?> only(String first) {
        for (Class<?> c : COMMANDS) {
            Command command = c.getAnnotation(Command.class);
            if (command.name().equals(first)) {
                return NEED_ALL.contains(c) ? null : c;
            }
        }
        return null;
    }

    public static void main(String[] args) {
        // the daemon logs at INFO to stdout (systemd style); one-shot commands only show warnings
        boolean daemon = args.length > 0 && args[0].equals("run");
        if (System.getProperty("swiftserve.log.level") == null) {
            System.setProperty("swiftserve.log.level", daemon ? "INFO" : "WARN");
        }
        if (!daemon) {
            warmInBackground();
        }
        System.exit(execute(args));
    }

    /**
     * Most commands answer with the daemon's JSON: the JSON mapper and the HTTP client take 60 ms to
     * load and set up, which a second core does while this one builds the command line (an {@code add}
     * waits for its command line before its file is published).
     */
    private static void warmInBackground() {
        Thread t = new Thread(
                () -> {
                    try {
                        io.swiftserve.admin.Json.MAPPER.readTree("{\"a\":[1,\"b\",true]}");
                        java.net.URL url = new java.net.URL("http://127.0.0.1:9/");
                        url.openConnection(java.net.Proxy.NO_PROXY);
                    } catch (java.io.IOException | RuntimeException e) {
                        // only a head start; the command loads whatever it needs itself
                    }
                },
                "warm-up");
        t.setDaemon(true);
        t.start();
    }

    /** Runs a command line in-process and returns its exit code (tests call this). */
    public static int execute(String... args) {
        return execute(System.getenv(), args);
    }

    /** As {@link #execute(String...)}, with {@code env} in place of the process's environment (tests). */
    public static int execute(java.util.Map<String, String> env, String... args) {
        Class<?> only = args.length > 0 ? only(args[0]) : null;
        ConfigFile file = null;
        CliException unreadable = null;
        try {
            file = ConfigFile.locate(configFlag(args), env);
        } catch (CliException e) {
            unreadable = e;
        }
        // a file's keys are checked against every command, so a typo shows whichever command runs
        boolean all = only == null || (file != null && !file.entries().isEmpty());
        Main main = new Main();
        CommandLine cli = all ? withAll(main) : with(main, java.util.List.of(only));
        // a script that asked for --json gets its errors as JSON too, on stderr, with the same exit codes
        boolean json = java.util.Arrays.asList(args).contains("--json");
        try {
            if (unreadable != null) {
                throw unreadable;
            }
            file.check(cli.getCommandSpec());
            main.settings = new Settings(file, env);
        } catch (CliException e) {
            return fail(cli, json, e.exitCode(), e.getMessage());
        }
        cli.setDefaultValueProvider(main.settings);
        cli.setParameterExceptionHandler((ex, a) -> {
            // one line, with picocli's suggestion for a typo: `stauts` -> "did you mean: status?"
            java.util.List<String> near =
                    ex instanceof CommandLine.UnmatchedArgumentException u ? u.getSuggestions() : java.util.List.of();
            return fail(
                    ex.getCommandLine(),
                    json,
                    USAGE,
                    fromSettings(main.settings, ex, args)
                            + ex.getMessage()
                            + (near.isEmpty() ? "" : "; did you mean: " + String.join(" or ", near) + "?")
                            + " (see '" + ex.getCommandLine().getCommandSpec().qualifiedName() + " --help')");
        });
        cli.setExecutionExceptionHandler((ex, commandLine, parseResult) -> ex instanceof CliException c
                ? fail(commandLine, json, c.exitCode(), c.getMessage())
                : fail(commandLine, json, FAILED, "unexpected error: " + ex));
        return cli.execute(args);
    }

    /** {@code --config FILE} or {@code --config=FILE} anywhere on the command line, else null. */
    private static String configFlag(String... args) {
        for (int i = 0; i < args.length; i++) {
            if (args[i].equals("--")) {
                break;
            }
            if (args[i].equals("--config") && i + 1 < args.length) {
                return args[i + 1];
            }
            if (args[i].startsWith("--config=")) {
                return args[i].substring("--config=".length());
            }
        }
        return null;
    }

    /** "PORT='abc': " or "FILE:3 (run.port): " when the bad value came from there, not the command line. */
    static String fromSettings(Settings settings, CommandLine.ParameterException ex, String... args) {
        if (!(ex.getArgSpec() instanceof CommandLine.Model.OptionSpec o)) {
            return "";
        }
        for (String a : args) {
            for (String name : o.names()) {
                if (a.equals(name) || a.startsWith(name + "=")) {
                    return "";
                }
            }
        }
        return settings.supplied(o).map(v -> settings.describe(o, v) + ": ").orElse("");
    }

    private static int fail(CommandLine cli, boolean json, int exitCode, String message) {
        if (json) {
            cli.getErr()
                    .println(io.swiftserve.admin.Json.MAPPER
                            .createObjectNode()
                            .put("error", message)
                            .put("exitCode", exitCode)
                            .toString());
        } else {
            cli.getErr().println("swiftserve: " + message);
        }
        return exitCode;
    }

    @Override
    public void run() {
        throw new CommandLine.ParameterException(spec.commandLine(), "missing command");
    }

    static final class Version implements CommandLine.IVersionProvider {
        @Override
        public String[] getVersion() {
            return new String[] {
                io.swiftserve.net.Wire.AGENT + " (protocol " + io.swiftserve.net.Wire.PROTOCOL_VERSION + ")"
            };
        }
    }
}

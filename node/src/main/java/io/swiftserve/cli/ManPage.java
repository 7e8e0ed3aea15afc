package io.swiftserve.cli;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import picocli.CommandLine;
import picocli.CommandLine.Model.ArgSpec;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Model.OptionSpec;
import picocli.CommandLine.Model.PositionalParamSpec;

/**
 * One command's man page in troff (man(7) macros), written from the picocli model, so the pages
 * say what {@code --help} says. picocli-codegen's generator writes AsciiDoc, which would need
 * asciidoctor (JRuby) in the build to become a page {@code man} can read.
 */
final class ManPage {
    private ManPage() {}

    /** The page's file name: {@code swiftserve.1}, {@code swiftserve-add.1}, {@code swiftserve-proto-call.1}. */
    static String fileName(CommandSpec spec) {
        return spec.qualifiedName("-") + ".1";
    }

    static String render(CommandSpec spec, String version) {
        String name = spec.qualifiedName("-");
        StringBuilder b = new StringBuilder();
        b.append(".TH ")
                .append(name.toUpperCase(java.util.Locale.ROOT))
                .append(" 1 \"\" \"")
                .append(escape(version))
                .append("\" \"swiftserve manual\"\n");
        String[] description = spec.usageMessage().description();
        b.append(".SH NAME\n")
                .append(escape(name))
                .append(" \\- ")
                .append(escape(summary(spec)))
                .append('\n');
        b.append(".SH SYNOPSIS\n.nf\n");
        String synopsis = new CommandLine.Help(spec, CommandLine.Help.defaultColorScheme(CommandLine.Help.Ansi.OFF))
                .synopsis(0)
                .stripTrailing();
        lines(synopsis).forEach(l -> b.append(escape(l)).append('\n'));
        b.append(".fi\n");
        if (description.length > 0) {
            b.append(".SH DESCRIPTION\n");
            paragraphs(b, description);
        }
        List<PositionalParamSpec> params =
                spec.positionalParameters().stream().filter(p -> !p.hidden()).toList();
        if (!params.isEmpty()) {
            b.append(".SH ARGUMENTS\n");
            params.forEach(p -> item(b, "\\fI" + escape(p.paramLabel()) + "\\fR", p));
        }
        List<OptionSpec> options =
                spec.options().stream().filter(o -> !o.hidden()).toList();
        if (!options.isEmpty()) {
            b.append(".SH OPTIONS\n");
            options.forEach(o -> item(b, optionTag(o), o));
        }
        List<Map.Entry<String, CommandLine>> commands = spec.subcommands().entrySet().stream()
                .filter(e -> listed(e.getKey(), e.getValue().getCommandSpec()))
                .toList();
        if (!commands.isEmpty()) {
            b.append(".SH COMMANDS\n");
            for (Map.Entry<String, CommandLine> e : commands) {
                b.append(".TP\n\\fB")
                        .append(escape(e.getKey()))
                        .append("\\fR\n")
                        .append(escape(summary(e.getValue().getCommandSpec())))
                        .append('\n');
            }
        }
        if (spec.parent() == null) {
            b.append(
                    ".SH EXIT STATUS\n0 success; 1 the request failed; 2 bad usage; 3 no daemon running for the data dir.\n");
        }
        b.append(".SH SEE ALSO\n");
        List<String> related = new ArrayList<>();
        if (spec.parent() != null) {
            related.add("\\fB" + escape(spec.parent().qualifiedName("-")) + "\\fR(1)");
        }
        commands.stream()
                .filter(e -> hasPage(e.getValue().getCommandSpec()))
                .forEach(e -> related.add(
                        "\\fB" + escape(e.getValue().getCommandSpec().qualifiedName("-")) + "\\fR(1)"));
        related.add("\\fBjournalctl\\fR(1)");
        b.append(String.join(", ", related)).append('\n');
        return b.toString();
    }

    /** A subcommand the pages mention: not an alias entry, not hidden. */
    static boolean listed(String name, CommandSpec sub) {
        return name.equals(sub.name()) && !sub.usageMessage().hidden();
    }

    /** A subcommand with a page of its own: {@code help} has none, its topic is the other pages. */
    static boolean hasPage(CommandSpec sub) {
        return !(sub.userObject() instanceof CommandLine.HelpCommand);
    }

    /** The one-line summary picocli's help shows: the header if there is one, else the description's first line. */
    private static String summary(CommandSpec spec) {
        String[] text = spec.usageMessage().header().length > 0
                ? spec.usageMessage().header()
                : spec.usageMessage().description();
        return java.util.Arrays.stream(text)
                .flatMap(t -> lines(t).stream())
                .filter(l -> !l.isBlank())
                .findFirst()
                .orElse("");
    }

    private static String optionTag(OptionSpec o) {
        StringBuilder tag = new StringBuilder();
        for (String n : o.names()) {
            tag.append(tag.length() == 0 ? "" : ", ")
                    .append("\\fB")
                    .append(escape(n))
                    .append("\\fR");
        }
        if (o.typeInfo().isBoolean() && o.arity().max() == 0) {
            return tag.toString();
        }
        return tag + "=\\fI" + escape(o.paramLabel()) + "\\fR";
    }

    private static void item(StringBuilder b, String tag, ArgSpec arg) {
        b.append(".TP\n").append(tag).append('\n');
        String defaultValue = String.valueOf(arg.defaultValue());
        List<String> text = new ArrayList<>();
        for (String d : arg.description()) {
            text.addAll(lines(d.replace("${DEFAULT-VALUE}", defaultValue)));
        }
        b.append(escape(String.join(" ", text).strip())).append('\n');
    }

    private static void paragraphs(StringBuilder b, String[] description) {
        boolean verbatim = false;
        for (String d : description) {
            for (String line : lines(d)) {
                // picocli's %n-indented lines are examples: keep them as typed
                boolean example = line.startsWith("  ");
                if (example != verbatim) {
                    b.append(example ? ".PP\n.nf\n" : ".fi\n");
                    verbatim = example;
                }
                if (line.isBlank()) {
                    b.append(verbatim ? "\n" : ".PP\n");
                } else {
                    b.append(escape(line)).append('\n');
                }
            }
        }
        if (verbatim) {
            b.append(".fi\n");
        }
    }

    /** picocli's {@code %n} and real line breaks, as lines. */
    private static List<String> lines(String text) {
        return List.of(text.replace("%n", "\n").split("\n", -1));
    }

    /** Text for troff: backslashes and hyphens literal, and no line taken for a request. */
    static String escape(String text) {
        String s = text.replace("\\", "\\e").replace("-", "\\-");
        return s.startsWith(".") || s.startsWith("'") ? "\\&" + s : s;
    }
}

package io.swiftserve.cli;

import com.fasterxml.jackson.databind.JsonNode;
import io.swiftserve.admin.AdminClient;
import io.swiftserve.admin.Json;
import java.io.PrintWriter;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/** Base of the commands that talk to a running daemon over its admin channel. */
abstract class AdminCommand implements Callable<Integer> {
    @Mixin
    DataDirOption data;

    @Option(names = "--json", description = "Print machine-readable JSON instead of text.")
    boolean json;

    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    AdminClient client() {
        return new AdminClient(data.path());
    }

    JsonNode get(String path, Map<String, String> query) {
        try {
            return client().get(path, query);
        } catch (AdminClient.NotRunningException e) {
            throw new CliException(Main.NOT_RUNNING, e.getMessage());
        } catch (AdminClient.RequestException e) {
            throw CliException.failed(e.getMessage());
        }
    }

    JsonNode post(String path, Map<String, String> query, Duration timeout) {
        try {
            return client().post(path, query, timeout);
        } catch (AdminClient.NotRunningException e) {
            throw new CliException(Main.NOT_RUNNING, e.getMessage());
        } catch (AdminClient.RequestException e) {
            throw CliException.failed(e.getMessage());
        }
    }

    PrintWriter out() {
        return spec.commandLine().getOut();
    }

    /** Prints {@code node} as JSON when --json was given; returns true if it did. */
    boolean printedJson(JsonNode node) {
        if (json) {
            out().println(Json.write(node));
            out().flush();
        }
        return json;
    }

    static String shortId(String id) {
        return id.length() > 12 ? id.substring(0, 12) : id;
    }
}

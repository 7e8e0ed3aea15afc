package io.swiftserve.cli;

import io.swiftserve.admin.Json;
import io.swiftserve.daemon.NodeInit;
import java.io.IOException;
import java.time.Clock;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

@Command(name = "init", description = "Create a node key and a genesis block: this node founds a new network.")
final class InitCommand implements Callable<Integer> {
    @Mixin
    DataDirOption data;

    @Option(names = "--network", required = true, paramLabel = "NAME", description = "A name for the new network.")
    String network;

    @Option(names = "--json", description = "Print machine-readable JSON.")
    boolean json;

    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    @Override
    public Integer call() {
        if (network.isBlank() || network.length() > 100) {
            throw new CliException(Main.USAGE, "--network must be 1 to 100 characters");
        }
        NodeInit.Founded founded;
        try {
            founded = NodeInit.found(data.path(), network, Clock.systemUTC());
        } catch (IOException e) {
            throw CliException.failed(e.getMessage());
        }
        var out = spec.commandLine().getOut();
        if (json) {
            Map<String, Object> m = new LinkedHashMap<>();
            m.put("nodeId", founded.key().id().toString());
            m.put("networkId", founded.genesis().hash().toString());
            m.put("networkName", network);
            out.println(Json.write(m));
        } else {
            out.println("node id:    " + founded.key().id());
            out.println("network id: " + founded.genesis().hash() + " (" + network + ")");
            out.println("start it with: swiftserve run --data " + data.path());
        }
        return Main.OK;
    }
}

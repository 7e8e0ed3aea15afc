package io.swiftserve.cli;

import io.swiftserve.chain.Hash;
import io.swiftserve.identity.KeyFile;
import io.swiftserve.identity.NodeId;
import io.swiftserve.identity.NodeKey;
import io.swiftserve.net.NetAddresses;
import io.swiftserve.net.Transport;
import io.swiftserve.proto.Envelope;
import io.swiftserve.tools.FrameReader;
import io.swiftserve.tools.Frames;
import io.swiftserve.tools.NetworkIds;
import io.swiftserve.tools.ProtoClient;
import java.io.IOException;
import java.io.PrintWriter;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import java.util.function.Consumer;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/**
 * {@code proto call HOST:PORT [--data DIR] 'TEXT'...}: connects to a node, does the handshake with
 * the key of DIR when given, sends the messages and prints every reply until the connection has
 * been idle for the timeout.
 */
@Command(
        name = "call",
        description = {
            "Send messages to a node and print its replies until the connection is idle.",
            "Each TEXT (protobuf text format of an Envelope) is sent in order; every frame the node sends"
                    + " back is printed as one line until nothing arrived for --timeout.",
            "With --data the handshake is done first with the node key of DIR. The node must know that key"
                    + " as a member, and it keeps one session per peer: use a member that is not connected to"
                    + " HOST:PORT right now (e.g. a stopped one). Without --data only ping and hello make sense.",
            "%nExample:%n  swiftserve proto call localhost:8000 -d ~/ss-debug 'get_blocks {max_blocks: 2}'"
        })
final class ProtoCallCommand implements Callable<Integer> {

    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    @Parameters(index = "0", paramLabel = "HOST:PORT", description = "The node to call, e.g. localhost:8000.")
    String address;

    @Parameters(
            index = "1..*",
            paramLabel = "TEXT",
            arity = "0..*",
            description = "Envelopes to send in order, e.g. 'ping { nonce: 1 }'; '-' reads one from stdin.")
    List<String> texts = new ArrayList<>();

    @Option(
            names = {"-d", "--data"},
            paramLabel = "DIR",
            description = "Do the handshake with the node key of this data dir first.")
    Path dataDir;

    @Option(
            names = "--network-id",
            paramLabel = "HEX",
            description =
                    "The network id for the handshake (default: asked from the daemon of DIR, or read from its store).")
    String networkId;

    @Option(
            names = "--timeout",
            paramLabel = "DURATION",
            defaultValue = "3s",
            description =
                    "Stop after the connection was idle this long, e.g. 500ms, 3s, 1m (default: ${DEFAULT-VALUE}).")
    String timeout;

    @Option(
            names = "--transport",
            paramLabel = "MODE",
            defaultValue = "tls",
            description =
                    "tls (default; what nodes require unless they run --transport cleartext) or cleartext. A TLS node"
                            + " answers a cleartext ping, and refuses anything else in cleartext.")
    String transport;

    @Option(names = "--hex", description = "Print bytes fields (hashes, keys, signatures) as \\x hex escapes.")
    boolean hex;

    @Option(
            names = {"-v", "--verbose"},
            description = "Also show every frame sent and received, handshake included, on stderr.")
    boolean verbose;

    @Override
    public Integer call() {
        Duration idle = AddCommand.duration(timeout);
        InetSocketAddress target;
        try {
            target = NetAddresses.parse(address);
        } catch (IllegalArgumentException e) {
            throw new CliException(Main.USAGE, e.getMessage());
        }
        if (networkId != null && dataDir == null) {
            throw new CliException(Main.USAGE, "--network-id is used by the handshake, which needs --data DIR");
        }
        List<Envelope> messages = new ArrayList<>();
        for (int i = 0; i < texts.size(); i++) {
            String text = texts.get(i).equals("-") ? stdin() : texts.get(i);
            messages.add(ProtoEncodeCommand.parse(text, i, texts.size()));
        }
        NodeKey key = null;
        Hash network = null;
        if (dataDir != null) {
            Path dir = dataDir.toAbsolutePath().normalize();
            try {
                key = KeyFile.load(dir);
                network = networkId != null ? NetworkIds.parse(networkId, "--network-id") : NetworkIds.of(dir);
            } catch (IOException e) {
                throw CliException.failed(e.getMessage());
            }
        }
        PrintWriter out = spec.commandLine().getOut();
        PrintWriter err = spec.commandLine().getErr();
        Consumer<String> trace = verbose
                ? line -> {
                    err.println(line);
                    err.flush();
                }
                : line -> {};
        Transport mode;
        try {
            mode = Transport.parse(transport);
        } catch (IllegalArgumentException e) {
            throw new CliException(Main.USAGE, "--transport: " + e.getMessage());
        }
        try (ProtoClient client =
                ProtoClient.connect(target.getHostString(), target.getPort(), mode, idle, hex, trace)) {
            if (key != null) {
                NodeId node = client.handshake(key, network);
                if (verbose) {
                    trace.accept("# handshake done: " + client.peer() + " is node " + node + ", this is " + key.id());
                }
            }
            for (Envelope m : messages) {
                client.send(m);
            }
            int replies = 0;
            for (Envelope m = client.receive(idle); m != null; m = client.receive(idle)) {
                out.println(Frames.format(m, hex));
                out.flush();
                replies++;
            }
            if (key != null && replies == 0 && client.closedByPeer()) {
                throw CliException.failed(
                        client.peer() + " closed the session right after the handshake; it may already"
                                + " hold a session with this key (one session per peer): use the data dir of a member that is"
                                + " not connected to it");
            }
            if (verbose) {
                trace.accept(
                        client.closedByPeer()
                                ? "# connection closed by " + client.peer()
                                : "# idle for " + timeout + ", " + replies + " replies");
            }
        } catch (ProtoClient.HandshakeException e) {
            throw CliException.failed(e.getMessage());
        } catch (FrameReader.BadFrameException e) {
            out.flush();
            throw CliException.failed(address + " sent a bad " + e.getMessage());
        } catch (IOException e) {
            out.flush();
            throw CliException.failed(e.getMessage() == null ? e.toString() : e.getMessage());
        }
        return Main.OK;
    }

    private static String stdin() {
        try {
            return new String(System.in.readAllBytes(), StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw CliException.failed("cannot read stdin: " + e.getMessage());
        }
    }
}

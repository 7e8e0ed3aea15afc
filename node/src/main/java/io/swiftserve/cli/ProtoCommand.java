package io.swiftserve.cli;

import picocli.CommandLine;
import picocli.CommandLine.Command;

/**
 * {@code swiftserve proto}: the peer protocol by hand, netcat-style. {@code encode} turns text
 * format into frames, {@code decode} frames into text, {@code call} talks to a node directly.
 */
@Command(
        name = "proto",
        description = {
            "Encode, decode and send peer-protocol frames (netcat-style debugging).",
            "%nExample:%n  swiftserve proto encode 'ping { nonce: 7 }' | nc -q1 localhost 8000 \\%n    | swiftserve proto decode"
        },
        subcommands = {ProtoEncodeCommand.class, ProtoDecodeCommand.class, ProtoCallCommand.class})
final class ProtoCommand implements Runnable {
    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    @Override
    public void run() {
        throw new CommandLine.ParameterException(spec.commandLine(), "missing subcommand: encode, decode or call");
    }
}

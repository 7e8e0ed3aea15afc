package io.swiftserve.cli;

import picocli.CommandLine.Command;

@Command(name = "proto", description = "Encode, decode and send peer-protocol frames (netcat-style debugging).")
final class ProtoCommand implements Runnable {
    @Override
    public void run() {
        throw CliException.failed("not implemented yet");
    }
}

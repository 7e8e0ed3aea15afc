package io.swiftserve.cli;

import io.swiftserve.proto.Envelope;
import io.swiftserve.tools.FrameReader;
import io.swiftserve.tools.Frames;
import java.io.BufferedInputStream;
import java.io.IOException;
import java.io.PrintWriter;
import java.util.concurrent.Callable;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/** {@code proto decode}: length-prefixed frames on stdin to one line of text format each. */
@Command(
        name = "decode",
        description = {
            "Print length-prefixed frames from stdin as protobuf text format, one line each.",
            "Chunk payloads are shown as <N bytes>. A bad frame (too long, truncated, not an Envelope) is"
                    + " reported as 'frame N: ...' after the frames before it, with exit code 1."
        })
final class ProtoDecodeCommand implements Callable<Integer> {
    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    @Option(names = "--hex", description = "Print bytes fields (hashes, keys, signatures) as \\x hex escapes.")
    boolean hex;

    @Override
    public Integer call() {
        PrintWriter out = spec.commandLine().getOut();
        FrameReader reader = new FrameReader(new BufferedInputStream(System.in, 64 << 10));
        try {
            for (Envelope m = reader.next(); m != null; m = reader.next()) {
                out.println(Frames.format(m, hex));
                // one line per frame as it arrives: decode usually sits at the end of a live pipe
                out.flush();
            }
        } catch (FrameReader.BadFrameException e) {
            out.flush();
            throw CliException.failed(e.getMessage());
        } catch (IOException e) {
            out.flush();
            throw CliException.failed("cannot read stdin after " + reader.frames() + " frames: " + e.getMessage());
        }
        out.flush();
        return Main.OK;
    }
}

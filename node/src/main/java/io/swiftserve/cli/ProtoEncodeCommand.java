package io.swiftserve.cli;

import io.swiftserve.proto.Envelope;
import io.swiftserve.tools.Frames;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Parameters;

/** {@code proto encode 'TEXT'...}: text format of Envelopes to length-prefixed frames on stdout. */
@Command(
        name = "encode",
        description = {
            "Write protobuf text format of Envelopes as length-prefixed frames to stdout.",
            "Each TEXT becomes one frame: a 4-byte big-endian length, then the Envelope bytes. Without TEXT,"
                    + " or with '-', one message is read from stdin. A mistake in any TEXT is reported with its"
                    + " line and column (exit 2) and nothing is written.",
            "%nExample:%n  swiftserve proto encode 'ping { nonce: 7 }' | nc -q1 localhost 8000 \\%n    | swiftserve proto decode"
        })
final class ProtoEncodeCommand implements Callable<Integer> {
    @Parameters(
            paramLabel = "TEXT",
            arity = "0..*",
            description = "One Envelope per argument, e.g. 'ping { nonce: 7 }' or 'get_blocks { max_blocks: 2 }'.")
    List<String> texts = new ArrayList<>();

    @Override
    public Integer call() throws IOException {
        List<String> inputs = texts.isEmpty() ? List.of("-") : texts;
        List<byte[]> frames = new ArrayList<>();
        // parse everything first: a typo in the third message must not leave two frames on stdout
        for (int i = 0; i < inputs.size(); i++) {
            String text = inputs.get(i).equals("-") ? readStdin() : inputs.get(i);
            frames.add(Frames.frame(parse(text, i, inputs.size())));
        }
        PrintStream stdout = System.out;
        OutputStream out = stdout;
        for (byte[] f : frames) {
            out.write(f);
        }
        out.flush();
        if (stdout.checkError()) {
            throw CliException.failed("cannot write to stdout");
        }
        return Main.OK;
    }

    /** Parses one message; a mistake is a usage error naming the message (when several) and the position. */
    static Envelope parse(String text, int index, int count) {
        try {
            return Frames.parse(text);
        } catch (Frames.TextException e) {
            throw new CliException(Main.USAGE, (count > 1 ? "message " + (index + 1) + ", " : "") + e.getMessage());
        }
    }

    private static String readStdin() throws IOException {
        InputStream in = System.in;
        return new String(in.readAllBytes(), StandardCharsets.UTF_8);
    }
}

package io.swiftserve.tools;

import static org.assertj.core.api.Assertions.assertThat;

import io.swiftserve.cli.Main;
import io.swiftserve.cluster.InProcessCli;
import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** {@code swiftserve proto encode|decode} as the CLI runs them: exit codes, stdout bytes, one-line errors. */
@Timeout(value = 60, unit = TimeUnit.SECONDS)
class ProtoCommandTest {

    @Test
    void encodeWritesOneFramePerArgumentAndDecodePrintsOneLineEach() {
        InProcessCli.Result enc = InProcessCli.run(
                "proto",
                "encode",
                "ping { nonce: 7 }",
                "get_blocks { max_blocks: 2 }",
                "chunk_data { index: 1 data: \"12345\" }");
        assertThat(enc.exitCode()).as("%s", enc).isZero();
        assertThat(enc.err()).isEmpty();
        InProcessCli.Result dec = InProcessCli.run(enc.stdout(), "proto", "decode");
        assertThat(dec.exitCode()).as("%s", dec).isZero();
        assertThat(dec.out())
                .isEqualTo(
                        "ping { nonce: 7 }\nget_blocks { max_blocks: 2 }\nchunk_data { index: 1 data: <5 bytes> }\n");
        assertThat(dec.err()).isEmpty();
    }

    @Test
    void encodeReadsTheMessageFromStdinWithoutArgumentsOrWithDash() {
        byte[] text = "ping {\n  nonce: 9\n}\n".getBytes(StandardCharsets.UTF_8);
        byte[] expected = {0, 0, 0, 4, 0x1a, 0x02, 0x08, 0x09};
        assertThat(InProcessCli.run(text, "proto", "encode").stdout()).containsExactly(expected);
        InProcessCli.Result dash = InProcessCli.run(text, "proto", "encode", "pong { nonce: 1 }", "-");
        assertThat(dash.exitCode()).isZero();
        assertThat(InProcessCli.run(dash.stdout(), "proto", "decode").out())
                .isEqualTo("pong { nonce: 1 }\nping { nonce: 9 }\n");
    }

    @Test
    void aTypoIsAUsageErrorWithItsPositionAndNothingIsWritten() {
        InProcessCli.Result r = InProcessCli.run("proto", "encode", "ping { nonce: 1 }", "pong { nonse: 1 }");
        assertThat(r.exitCode()).isEqualTo(Main.USAGE);
        assertThat(r.stdout()).isEmpty();
        assertThat(r.errLines())
                .containsExactly("swiftserve: message 2, line 1, column 8: unknown field swiftserve.v1.Pong.nonse");

        InProcessCli.Result single = InProcessCli.run("proto", "encode", "ping { nonce: -1 }");
        assertThat(single.exitCode()).isEqualTo(Main.USAGE);
        assertThat(single.errLines()).hasSize(1);
        assertThat(single.errLines().get(0)).startsWith("swiftserve: line 1, column 15: ");

        InProcessCli.Result empty = InProcessCli.run("".getBytes(), "proto", "encode");
        assertThat(empty.exitCode()).isEqualTo(Main.USAGE);
        assertThat(empty.errLines().get(0)).startsWith("swiftserve: no message: give one of hello, auth, ping");
    }

    @Test
    void decodePrintsTheGoodFramesThenReportsTheBadOneInOneLine() throws Exception {
        ByteArrayOutputStream in = new ByteArrayOutputStream();
        in.write(InProcessCli.run("proto", "encode", "ping { nonce: 1 }", "pong { nonce: 2 }")
                .stdout());
        in.write(new byte[] {0, 0, 0, 20, 1, 2, 3});
        InProcessCli.Result r = InProcessCli.run(in.toByteArray(), "proto", "decode");
        assertThat(r.exitCode()).isEqualTo(Main.FAILED);
        assertThat(r.out()).isEqualTo("ping { nonce: 1 }\npong { nonce: 2 }\n");
        assertThat(r.errLines())
                .containsExactly(
                        "swiftserve: frame 3: truncated: the length prefix says 20 bytes, the input ends after 3");

        InProcessCli.Result text = InProcessCli.run("ping { nonce: 7 }\n".getBytes(), "proto", "decode");
        assertThat(text.exitCode()).isEqualTo(Main.FAILED);
        assertThat(text.out()).isEmpty();
        assertThat(text.errLines()).hasSize(1);
        assertThat(text.errLines().get(0)).startsWith("swiftserve: frame 1: too long: the length prefix says");
        assertThat(text.err()).doesNotContain("Exception").doesNotContain("\tat ");
    }

    @Test
    void emptyInputDecodesToNothingAndHexShowsBytesAsHex() {
        InProcessCli.Result none = InProcessCli.run(new byte[0], "proto", "decode");
        assertThat(none.exitCode()).isZero();
        assertThat(none.out()).isEmpty();
        byte[] frame = InProcessCli.run("proto", "encode", "chain_status { height: 2 head_hash: \"\\xab\\x01\" }")
                .stdout();
        assertThat(InProcessCli.run(frame, "proto", "decode", "--hex").out())
                .isEqualTo("chain_status { height: 2 head_hash: \"\\xab\\x01\" }\n");
        assertThat(InProcessCli.run(frame, "proto", "decode").out())
                .isEqualTo("chain_status { height: 2 head_hash: \"\\253\\001\" }\n");
    }

    @Test
    void usageErrors() {
        assertThat(InProcessCli.run("proto").exitCode()).isEqualTo(Main.USAGE);
        assertThat(InProcessCli.run("proto", "call").exitCode()).isEqualTo(Main.USAGE);
        InProcessCli.Result badTimeout = InProcessCli.run("proto", "call", "127.0.0.1:1", "--timeout", "3x");
        assertThat(badTimeout.exitCode()).isEqualTo(Main.USAGE);
        assertThat(badTimeout.errLines())
                .containsExactly("swiftserve: '3x' is not a duration like 500ms, 90s, 15m, 24h or 7d (more than zero)");
        InProcessCli.Result badAddress = InProcessCli.run("proto", "call", "localhost", "ping {}");
        assertThat(badAddress.exitCode()).isEqualTo(Main.USAGE);
        assertThat(InProcessCli.run("proto", "call", "127.0.0.1:1", "--network-id", "00")
                        .exitCode())
                .isEqualTo(Main.USAGE);
        InProcessCli.Result badText = InProcessCli.run("proto", "call", "127.0.0.1:1", "ping { nonce: x }");
        assertThat(badText.exitCode()).isEqualTo(Main.USAGE);
        assertThat(badText.errLines().get(0)).startsWith("swiftserve: line 1, column 15: ");
    }
}

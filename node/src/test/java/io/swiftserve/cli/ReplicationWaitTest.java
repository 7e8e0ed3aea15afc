package io.swiftserve.cli;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.swiftserve.admin.Json;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.io.PrintWriter;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Iterator;
import java.util.List;
import me.tongfei.progressbar.InteractiveConsoleProgressBarConsumer;
import org.junit.jupiter.api.Test;

class ReplicationWaitTest {
    private static final long MIB = 1 << 20;
    private static final long SIZE = 10 * MIB;
    private static final int CHUNKS = 10;

    /** One {@code GET /files} answer: the file held by members with these chunk counts. */
    private static JsonNode files(int... have) {
        ObjectNode file = Json.MAPPER
                .createObjectNode()
                .put("fileId", "f1")
                .put("path", "a.bin")
                .put("size", SIZE)
                .put("chunks", CHUNKS);
        ArrayNode nodes = file.putArray("nodes");
        for (int h : have) {
            nodes.addObject().put("have", h).put("complete", h == CHUNKS);
        }
        ObjectNode root = Json.MAPPER.createObjectNode();
        root.putArray("files").add(file);
        return root;
    }

    @Test
    void theSeedsCopyIsNotProgress() {
        ReplicationProgress p = new ReplicationProgress();
        p.observe(files(CHUNKS, 0, 0).path("files").get(0));
        assertThat(p.done()).isZero();
        assertThat(p.total()).isEqualTo(2 * SIZE);

        p.observe(files(CHUNKS, 5, 0).path("files").get(0));
        assertThat(p.done()).isEqualTo(5 * MIB);
        assertThat(p.complete()).isEqualTo(1);
        assertThat(p.finished()).isFalse();

        // a member joins: more to copy, nothing undone
        p.observe(files(CHUNKS, 10, 2, 0).path("files").get(0));
        assertThat(p.done()).isEqualTo(12 * MIB);
        assertThat(p.total()).isEqualTo(3 * SIZE);

        p.observe(files(CHUNKS, 10, 10, 10).path("files").get(0));
        assertThat(p.done()).isEqualTo(p.total());
        assertThat(p.finished()).isTrue();
    }

    @Test
    void aMemberHalfwayWhenTheWaitBeginsCountsFromThere() {
        ReplicationProgress p = new ReplicationProgress();
        p.observe(files(CHUNKS, 6).path("files").get(0));
        assertThat(p.done()).isZero();
        assertThat(p.total()).isEqualTo(4 * MIB);
    }

    @Test
    void theSuccessLineComesAfterTheBarsLastFrame() {
        ByteArrayOutputStream terminal = new ByteArrayOutputStream();
        PrintStream barStream = new PrintStream(terminal, true, StandardCharsets.UTF_8);
        PrintWriter out = new PrintWriter(barStream, true);
        Iterator<JsonNode> answers = List.of(files(CHUNKS, 0, 0), files(CHUNKS, 5, 0), files(CHUNKS, 10, 10))
                .iterator();
        new ReplicationWait(
                        answers::next,
                        out,
                        "f1",
                        "a.bin",
                        Duration.ofMinutes(1),
                        false,
                        total -> new ReplicationBar(new InteractiveConsoleProgressBarConsumer(barStream, 150), total),
                        Duration.ofMillis(10))
                .run();

        String text = terminal.toString(StandardCharsets.UTF_8);
        String success = "a.bin is on all 3 members";
        assertThat(text).contains(success);
        String beforeSuccess = text.substring(0, text.indexOf(success));
        // the bar redraws by moving the cursor up a line: after the success line, that would overwrite it
        assertThat(text.substring(text.indexOf(success))).doesNotContain("\u001b[");
        // earlier frames are drawn by the library's timer thread, whenever it runs: only the last is certain
        assertThat(beforeSuccess.substring(beforeSuccess.lastIndexOf("replicating")))
                .contains("100%")
                .contains("20/20 MiB")
                .contains("MiB/s")
                .contains(" 3/3 members");
    }
}

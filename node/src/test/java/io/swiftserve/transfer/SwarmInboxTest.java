package io.swiftserve.transfer;

import static org.assertj.core.api.Assertions.assertThat;

import io.swiftserve.chain.Hash;
import io.swiftserve.identity.NodeKey;
import io.swiftserve.net.Admission;
import io.swiftserve.net.ChunkWire;
import io.swiftserve.net.Link;
import io.swiftserve.net.PeerSession;
import io.swiftserve.proto.Envelope;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.stream.IntStream;
import org.junit.jupiter.api.Test;

/** The hand-over of what peers hold to the transfer thread, run by hand: tasks are counted, not run. */
class SwarmInboxTest {
    private final List<Runnable> tasks = new ArrayList<>();
    private final List<String> delivered = new ArrayList<>();
    private final List<Hash> ledger = new ArrayList<>();
    private final SwarmInbox inbox = new SwarmInbox(tasks::add, new Recorder(), ledger::contains);
    private final PeerSession a = session();
    private final PeerSession b = session();

    private final class Recorder implements SwarmInbox.Target {
        @Override
        public void onBitmap(PeerSession s, SwarmInbound.Bitmap m) {
            delivered.add(
                    name(s) + " bitmap " + m.fileId().bytes()[0] + " " + m.bits()[0] + (m.reply() ? " reply" : ""));
        }

        @Override
        public void onWhole(PeerSession s, Hash fileId) {
            delivered.add(name(s) + " whole " + fileId.bytes()[0]);
        }

        @Override
        public void onHave(PeerSession s, SwarmInbound.Have m) {
            delivered.add(name(s) + " have " + m.fileId().bytes()[0] + " " + m.indices());
        }
    }

    private String name(PeerSession s) {
        return s == a ? "a" : "b";
    }

    private static Hash file(int n) {
        byte[] b = new byte[32];
        b[0] = (byte) n;
        b[1] = (byte) (n >> 8);
        return Hash.of(b);
    }

    private static SwarmInbound.Bitmap bitmap(int file, int bits, boolean reply) {
        return new SwarmInbound.Bitmap(file(file), 8, new byte[] {(byte) bits}, reply, 0);
    }

    private static SwarmInbound.Have have(int file, Integer... indices) {
        return new SwarmInbound.Have(file(file), List.of(indices));
    }

    private void runTasks() {
        List<Runnable> now = new ArrayList<>(tasks);
        tasks.clear();
        now.forEach(Runnable::run);
    }

    @Test
    void aFloodOfHavesFromOnePeerIsOneTaskAndAsManyHavesAsVersions() {
        for (int i = 0; i < 10_000; i++) {
            inbox.have(a, have(i % 3, i % 5));
        }
        assertThat(tasks).as("tasks queued for 10,000 HAVEs of one peer").hasSize(1);

        runTasks();
        assertThat(delivered)
                .containsExactly("a have 0 [0, 1, 2, 3, 4]", "a have 1 [0, 1, 2, 3, 4]", "a have 2 [0, 1, 2, 3, 4]");
    }

    @Test
    void eachPeerHasItsOwnTaskAndTalkAfterAHandOverGoesInTheNextOne() {
        inbox.have(a, have(1, 1));
        inbox.have(b, have(1, 2));
        inbox.have(a, have(1, 3));
        assertThat(tasks).hasSize(2);
        tasks.remove(0).run();
        inbox.have(a, have(1, 4));
        assertThat(tasks).hasSize(2);
        runTasks();
        assertThat(delivered).containsExactly("a have 1 [1, 3]", "b have 1 [2]", "a have 1 [4]");
    }

    @Test
    void aBitmapReplacesWhatWaitsOfItsVersionAndKeepsAReplyAskedFor() {
        inbox.have(a, have(1, 0));
        inbox.bitmap(a, bitmap(1, 0b11, true));
        inbox.have(a, have(2, 5));
        inbox.bitmap(a, bitmap(1, 0b111, false));
        inbox.have(a, have(1, 6, 7));
        inbox.complete(a, new SwarmInbound.Complete(List.of(file(3), file(2))));
        runTasks();

        assertThat(delivered)
                .as("per version in order; the later bitmap stands for what came before it")
                .containsExactly("a bitmap 1 7 reply", "a have 1 [6, 7]", "a whole 2", "a whole 3");
    }

    @Test
    void versionsNobodyKnowsWaitOnlyAFewAtATime() {
        ledger.add(file(999));
        IntStream.range(0, 999).forEach(n -> inbox.bitmap(a, bitmap(n, 1, false)));
        inbox.have(a, have(999, 0));
        runTasks();

        assertThat(delivered).hasSize(SwarmView.MAX_UNKNOWN_FILES + 1).contains("a have " + (byte) 999 + " [0]");
    }

    @Test
    void outOfRangeIndicesAreDroppedBeforeTheyCostAnything() {
        inbox.have(a, have(1, -1, 1 << 30));
        inbox.have(a, have(1, 2));
        runTasks();
        assertThat(delivered).containsExactly("a have 1 [2]");
    }

    private static PeerSession session() {
        Link link = new Link() {
            @Override
            public CompletableFuture<Void> send(Envelope envelope) {
                return CompletableFuture.completedFuture(null);
            }

            @Override
            public void write(Envelope envelope) {}

            @Override
            public void flush() {}

            @Override
            public boolean isOpen() {
                return true;
            }

            @Override
            public void close() {}

            @Override
            public void onClose(Runnable action) {}

            @Override
            public void execute(Runnable task) {
                task.run();
            }

            @Override
            public String remoteAddress() {
                return "127.0.0.1:1";
            }

            @Override
            public ChunkWire chunks() {
                return null;
            }
        };
        return new PeerSession(link, NodeKey.generate().id(), false, "", Admission.Role.MEMBER);
    }
}

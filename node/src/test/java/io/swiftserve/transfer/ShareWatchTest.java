package io.swiftserve.transfer;

import static org.awaitility.Awaitility.await;

import io.swiftserve.util.FileTrees;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/** The directory watch wakes the scan for changes anywhere under the share directory, new directories too. */
@Timeout(30)
class ShareWatchTest {
    @TempDir
    Path dir;

    @Test
    void seesWritesDeletesAndFilesInDirectoriesMadeAfterItStarted() throws Exception {
        Path share = Files.createDirectories(dir.resolve("files/a"));
        Path existing = Files.writeString(share.resolve("x.txt"), "one");
        AtomicInteger woken = new AtomicInteger();
        try (ShareWatch watch = new ShareWatch(dir.resolve("files"), woken::incrementAndGet)) {
            watch.start();

            Files.writeString(existing, "edited");
            await("an edit").atMost(Duration.ofSeconds(10)).until(() -> woken.get() > 0);

            Path sub = Files.createDirectories(dir.resolve("files/new/deeper"));
            await("new directories").atMost(Duration.ofSeconds(10)).until(() -> woken.get() > 1);
            // the watch registers new directories as it learns of them: wait for its events to quiet down
            int before = settle(woken);
            Files.writeString(sub.resolve("y.txt"), "added");
            await("a file in a new directory").atMost(Duration.ofSeconds(10)).until(() -> woken.get() > before);

            int beforeDelete = settle(woken);
            Files.delete(existing);
            await("a deletion").atMost(Duration.ofSeconds(10)).until(() -> woken.get() > beforeDelete);
        }
    }

    @Test
    void anEntryGoneBeforeItIsLookedAtOrALinkToADirectoryDoesNotEndTheWatch() throws Exception {
        Path share = Files.createDirectories(dir.resolve("files"));
        Path target = Files.createDirectories(dir.resolve("elsewhere"));
        AtomicInteger woken = new AtomicInteger();
        try (ShareWatch watch = new ShareWatch(share, woken::incrementAndGet)) {
            watch.start();
            // what a tree's swap leaves behind: a link made and renamed away before the watch looks
            watch.created(share, Path.of(".tree.swiftserve-tmp"));
            Path link = Files.createSymbolicLink(share.resolve("link"), target);
            watch.created(share, link.getFileName());
            Files.delete(link);

            int before = settle(woken);
            Files.writeString(share.resolve("after.txt"), "still watched");
            await("a change after them").atMost(Duration.ofSeconds(10)).until(() -> woken.get() > before);
            // a link is not followed: the directory it names is not watched
            int quiet = settle(woken);
            Files.writeString(target.resolve("outside.txt"), "not ours");
            org.assertj.core.api.Assertions.assertThat(settle(woken)).isEqualTo(quiet);
        }
    }

    @Test
    void aDirectoryRemovedWhileItsTreeIsBeingRegisteredIsSkipped() throws Exception {
        // a tree the node builds in its own directory is renamed away while the watch walks it; before,
        // the walk's UncheckedIOException ended the share-watch thread (seen in LocalAddTest under CI)
        Path share = Files.createDirectories(dir.resolve("files"));
        Path churned = share.resolve("churned");
        java.util.concurrent.atomic.AtomicBoolean stop = new java.util.concurrent.atomic.AtomicBoolean();
        Thread churn = new Thread(() -> {
            while (!stop.get()) {
                try {
                    Files.createDirectories(churned.resolve("a/b/c/d/e"));
                    FileTrees.delete(churned);
                } catch (java.io.IOException e) {
                    // the walk may hold nothing, but the next round tries again
                }
            }
        });
        try (ShareWatch watch = new ShareWatch(share, () -> {})) {
            watch.start();
            churn.start();
            for (int i = 0; i < 3_000; i++) {
                watch.created(share, churned.getFileName());
            }
        } finally {
            stop.set(true);
            churn.join();
        }
    }

    /** The count once no event arrived for 300 ms. */
    private static int settle(AtomicInteger woken) {
        int[] last = {woken.get()};
        long[] since = {System.nanoTime()};
        await().atMost(Duration.ofSeconds(10))
                .pollInterval(Duration.ofMillis(50))
                .until(() -> {
                    int now = woken.get();
                    if (now != last[0]) {
                        last[0] = now;
                        since[0] = System.nanoTime();
                    }
                    return System.nanoTime() - since[0] > 300_000_000L;
                });
        return last[0];
    }
}

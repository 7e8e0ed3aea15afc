package io.swiftserve.chain;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.swiftserve.identity.Sha256;
import java.nio.ByteBuffer;
import java.security.MessageDigest;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Random;
import java.util.Set;
import org.junit.jupiter.api.Test;

/** A tree is cut where its files begin and end, so an edit re-cuts only the chunks near it. */
class TreeChunksTest {
    private static final int C = 256 * 1024;

    @Test
    void aLargeFileStartsAndEndsChunksAndSmallOnesArePacked() {
        List<TreeEntry> tree = List.of(
                file("a/small-1", 1000),
                file("a/small-2", 2000),
                file("b/large", 3L * C + 5),
                dir("c"),
                file("d/empty", 0),
                file("e/exact", C),
                file("f/small-3", 10));
        long[] starts = TreeChunks.starts(tree, C);
        // the pack of the first two ends before the large file, whose short tail ends its own chunk
        long large = 3000;
        long exact = large + 3L * C + 5;
        assertThat(starts).containsExactly(0, large, large + C, large + 2L * C, large + 3L * C, exact, exact + C);
        assertThat(TreeChunks.count(tree, C)).isEqualTo(7);
    }

    @Test
    void noPackIsLongerThanAChunkAndEveryByteIsInOne() {
        List<TreeEntry> tree = randomTree(new Random(7), 2000, 0);
        long size = tree.stream().mapToLong(TreeEntry::size).sum();
        long[] starts = TreeChunks.starts(tree, C);
        assertThat(starts[0]).isZero();
        for (int i = 0; i < starts.length; i++) {
            long end = i + 1 < starts.length ? starts[i + 1] : size;
            assertThat(end - starts[i]).isBetween(1L, (long) C);
        }
        assertThat((long) starts.length).isLessThanOrEqualTo(TreeChunks.maxCount(size, C));
        // 2,000 files are not 2,000 chunks: packs hold a dozen small files or so
        assertThat(starts.length).isLessThan(2000 / 4);
    }

    @Test
    void aFileThatGrowsAndOneAddedEarlyInTheTreeReCutOnlyTheChunksUpToTheNextAnchors() {
        List<TreeEntry> v1 = randomTree(new Random(11), 3000, 40);
        List<TreeEntry> v2 = new ArrayList<>(v1);
        int edited = 30;
        TreeEntry e = v1.get(edited);
        v2.set(edited, file(e.path(), e.size() + C / 10));
        v2.add(6, file(v1.get(5).path() + "-new", C / 12)); // and a new file, in name order

        Set<ByteBuffer> before = new HashSet<>(chunkHashes(v1));
        List<ByteBuffer> after = chunkHashes(v2);
        long changed = after.stream().filter(h -> !before.contains(h)).count();
        System.out.printf("[TreeChunksTest] %d of %d chunks changed%n", changed, after.size());
        // the edited file's pack and the packs re-cut up to the next anchor file; the fixed cut of
        // the files back to back would change every chunk after the edit
        assertThat(changed).isBetween(2L, 10L);
    }

    @Test
    void aManifestWhoseHashCountIsNotTheCutIsRefused() throws InvalidException {
        List<TreeEntry> tree = List.of(file("x", 1000), file("y", 2L * C));
        long size = 1000 + 2L * C;
        assertThat(Manifest.ofTree(size, C, new byte[3 * Sha256.LENGTH], tree).chunkCount())
                .isEqualTo(3);
        assertThatThrownBy(() -> Manifest.ofTree(size, C, new byte[4 * Sha256.LENGTH], tree))
                .isInstanceOf(InvalidException.class)
                .hasMessageContaining("cut into 3 chunks, its manifest lists 4");
        // the fixed cut of the same bytes, which a publisher could claim instead
        assertThatThrownBy(() -> Manifest.ofTree(size, C, new byte[2 * Sha256.LENGTH], tree))
                .isInstanceOf(InvalidException.class)
                .hasMessageContaining("lists 2");
    }

    /** Small files of 1 byte to C/8 in a few directories, and every {@code largeEvery}-th one 1-4 chunks. */
    private static List<TreeEntry> randomTree(Random r, int files, int largeEvery) {
        List<TreeEntry> out = new ArrayList<>();
        for (int i = 0; i < files; i++) {
            long size =
                    largeEvery > 0 && i % largeEvery == largeEvery - 1 ? C + r.nextInt(3 * C) : 1 + r.nextInt(C / 8);
            out.add(file(String.format("d%02d/f%05d", i / 100, i), size));
        }
        return out;
    }

    /** Each file's bytes depend on its path only, so an unchanged file keeps its bytes in both versions. */
    private static List<ByteBuffer> chunkHashes(List<TreeEntry> tree) {
        long size = tree.stream().mapToLong(TreeEntry::size).sum();
        long[] starts = TreeChunks.starts(tree, C);
        List<ByteBuffer> out = new ArrayList<>();
        MessageDigest digest = Sha256.newDigest();
        int chunk = 0;
        long pos = 0;
        long end = starts.length > 1 ? starts[1] : size;
        for (TreeEntry e : tree) {
            byte[] bytes = new byte[(int) e.size()];
            new Random(e.path().hashCode()).nextBytes(bytes);
            int off = 0;
            while (off < bytes.length) {
                int take = (int) Math.min(bytes.length - off, end - pos);
                digest.update(bytes, off, take);
                off += take;
                pos += take;
                if (pos == end) {
                    out.add(ByteBuffer.wrap(digest.digest()));
                    chunk++;
                    end = chunk + 1 < starts.length ? starts[chunk + 1] : size;
                }
            }
        }
        assertThat(out).hasSize(starts.length);
        return out;
    }

    private static TreeEntry file(String path, long size) {
        return new TreeEntry(path, size, TreeEntry.REGULAR, 0, false);
    }

    private static TreeEntry dir(String path) {
        return new TreeEntry(path, 0, 0, 0, true);
    }
}

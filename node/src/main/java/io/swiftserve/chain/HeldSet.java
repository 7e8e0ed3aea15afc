package io.swiftserve.chain;

import io.swiftserve.identity.Sha256;
import java.security.MessageDigest;
import java.util.ArrayList;
import java.util.BitSet;
import java.util.List;

/**
 * Which versions of one ledger state a member holds, as a {@code Holdings} record carries it: run
 * lengths over the versions in path order (held, not held, held, ...). A member that holds all of
 * 10,000 versions says so in one run; the worst case is bounded by {@link #MAX_RUNS}.
 */
public final class HeldSet {
    public static final int MAX_RUNS = 4_096;
    public static final long MAX_VERSIONS = 10_000_000;

    private final BitSet held;
    private final int versions;

    private HeldSet(BitSet held, int versions) {
        this.held = held;
        this.versions = versions;
    }

    /** {@code held.get(i)}: the i-th version (path order) is held. */
    public static HeldSet of(BitSet held, int versions) {
        return new HeldSet((BitSet) held.clone(), versions);
    }

    /** Reads run lengths; refuses more than {@link #MAX_RUNS} runs or more than {@link #MAX_VERSIONS} versions. */
    public static HeldSet fromRuns(List<Integer> runs) throws InvalidException {
        InvalidException.check(runs.size() <= MAX_RUNS, "holdings of " + runs.size() + " runs, more than " + MAX_RUNS);
        long total = 0;
        for (int r : runs) {
            total += Integer.toUnsignedLong(r);
        }
        InvalidException.check(total <= MAX_VERSIONS, "holdings over " + total + " versions");
        BitSet held = new BitSet();
        int at = 0;
        boolean holding = true;
        for (int r : runs) {
            if (holding) {
                held.set(at, at + r);
            }
            at += r;
            holding = !holding;
        }
        return new HeldSet(held, at);
    }

    /** The run lengths, starting with a run of held versions (0 when the first is not held). */
    public List<Integer> runs() {
        List<Integer> out = new ArrayList<>();
        int at = 0;
        boolean holding = true;
        while (at < versions) {
            int end = holding ? held.nextClearBit(at) : held.nextSetBit(at);
            end = end < 0 || end > versions ? versions : end;
            out.add(end - at);
            at = end;
            holding = !holding;
        }
        return out;
    }

    public int versions() {
        return versions;
    }

    public boolean holds(int index) {
        return index >= 0 && index < versions && held.get(index);
    }

    public int heldCount() {
        return held.get(0, versions).cardinality();
    }

    /** SHA-256 over the file ids, in the order given: a record's {@code files_hash}. */
    public static Hash filesHash(List<FileEntry> files) {
        MessageDigest digest = Sha256.newDigest();
        for (FileEntry f : files) {
            digest.update(f.fileId().bytes());
        }
        return Hash.of(digest.digest());
    }
}

package io.swiftserve.transfer;

import java.util.Arrays;
import java.util.function.IntPredicate;
import java.util.function.IntUnaryOperator;
import java.util.random.RandomGenerator;

/**
 * The chunks a downloader may still request, grouped by how many peers have each, with O(1) add,
 * remove and move, and an exactly uniform random pick among the eligible chunks of a bucket.
 */
final class AvailabilityBuckets {
    /** Random probes before falling back to a full count; enough when most of a bucket is eligible. */
    private static final int PROBES = 8;

    private final int[] bucketOf;
    private final int[] slotOf;
    private int[][] members = new int[0][];
    private int[] sizes = new int[0];
    private int size;
    private final RandomGenerator random;

    AvailabilityBuckets(int chunks, RandomGenerator random) {
        this.bucketOf = new int[chunks];
        this.slotOf = new int[chunks];
        Arrays.fill(bucketOf, -1);
        this.random = random;
    }

    boolean contains(int chunk) {
        return bucketOf[chunk] >= 0;
    }

    /** Free chunks, whether or not any peer has them. */
    int size() {
        return size;
    }

    /** Free chunks at least one peer has. */
    int available() {
        return size - (sizes.length == 0 ? 0 : sizes[0]);
    }

    int bucketCount() {
        return sizes.length;
    }

    void add(int chunk, int availability) {
        if (availability >= sizes.length) {
            int old = sizes.length;
            members = Arrays.copyOf(members, availability + 1);
            sizes = Arrays.copyOf(sizes, availability + 1);
            Arrays.fill(members, old, members.length, new int[0]);
        }
        int[] bucket = members[availability];
        if (sizes[availability] == bucket.length) {
            bucket = members[availability] = Arrays.copyOf(bucket, Math.max(16, bucket.length * 2));
        }
        int slot = sizes[availability]++;
        bucket[slot] = chunk;
        slotOf[chunk] = slot;
        bucketOf[chunk] = availability;
        size++;
    }

    void remove(int chunk) {
        int b = bucketOf[chunk];
        if (b < 0) {
            return;
        }
        int[] bucket = members[b];
        int last = bucket[--sizes[b]];
        bucket[slotOf[chunk]] = last;
        slotOf[last] = slotOf[chunk];
        bucketOf[chunk] = -1;
        size--;
    }

    /** Re-files a free chunk whose availability changed; a chunk not in any bucket stays out. */
    void move(int chunk, int availability) {
        if (bucketOf[chunk] >= 0 && bucketOf[chunk] != availability) {
            remove(chunk);
            add(chunk, availability);
        }
    }

    /** A uniformly random chunk of bucket {@code availability} that passes {@code eligible}, or -1. */
    int pick(int availability, IntPredicate eligible) {
        int[] bucket = members[availability];
        return pick(sizes[availability], i -> bucket[i], eligible, random);
    }

    /**
     * A uniformly random element among {@code at(0..n-1)} passing {@code eligible}, or -1. Random
     * probes are each uniform over the eligible elements when they hit, and so is the fallback,
     * so the whole is exactly uniform; it is cheap when most elements are eligible and linear only
     * when few are.
     */
    static int pick(int n, IntUnaryOperator at, IntPredicate eligible, RandomGenerator random) {
        if (n == 0) {
            return -1;
        }
        for (int probe = 0; probe < PROBES; probe++) {
            int element = at.applyAsInt(random.nextInt(n));
            if (eligible.test(element)) {
                return element;
            }
        }
        int count = 0;
        for (int i = 0; i < n; i++) {
            count += eligible.test(at.applyAsInt(i)) ? 1 : 0;
        }
        if (count == 0) {
            return -1;
        }
        int wanted = random.nextInt(count);
        for (int i = 0; ; i++) {
            int element = at.applyAsInt(i);
            if (eligible.test(element) && wanted-- == 0) {
                return element;
            }
        }
    }
}

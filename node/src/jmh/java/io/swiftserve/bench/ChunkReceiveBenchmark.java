package io.swiftserve.bench;

import io.swiftserve.transfer.ChunkLayout;
import io.swiftserve.transfer.FileHasher;
import io.swiftserve.transfer.PartialFile;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.SplittableRandom;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;

/**
 * What a receiver does with each chunk (Swarm.onChunk): check its SHA-256 against the ledger's
 * chunk hashes, then write it at its offset in the partial file. The bare MessageDigest over the
 * same buffer is the floor every verifying receiver pays, so the ratio to it is the path's own cost.
 * One operation is one 256 KiB chunk: MB/s = ops/s × 0.262144 (MB = 10^6 bytes).
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.SECONDS)
public class ChunkReceiveBenchmark {
    /** The chunk size of every file up to 1 GiB (ChunkLayout.forSize). */
    public static final int CHUNK_BYTES = ChunkLayout.MIN_CHUNK_SIZE;
    /*
     * Writes cycle through a 64 MiB partial file: the first pass allocates blocks like a fresh
     * download, later passes land in the page cache, as a download's do until writeback.
     */
    private static final int CHUNKS = 256;

    private ByteBuffer payload;
    private byte[] chunkHashes;
    private MessageDigest digest;
    private Path dir;
    private PartialFile partial;
    private int next;

    @Setup(Level.Trial)
    public void setUp() throws IOException, NoSuchAlgorithmException {
        byte[] bytes = new byte[CHUNK_BYTES];
        new SplittableRandom(1).nextBytes(bytes);
        // Netty hands the payload over as a slice of a direct buffer, which the digest must copy out of
        payload = ByteBuffer.allocateDirect(CHUNK_BYTES).put(bytes).flip();
        byte[] hash = FileHasher.hashChunk(payload);
        chunkHashes = new byte[CHUNKS * hash.length];
        for (int i = 0; i < CHUNKS; i++) {
            System.arraycopy(hash, 0, chunkHashes, i * hash.length, hash.length);
        }
        digest = MessageDigest.getInstance("SHA-256");
        dir = Files.createTempDirectory("swiftserve-jmh");
        partial = PartialFile.open(dir, hash, ChunkLayout.of((long) CHUNKS * CHUNK_BYTES, CHUNK_BYTES));
    }

    @TearDown(Level.Trial)
    public void tearDown() throws IOException {
        partial.delete();
        Files.deleteIfExists(dir);
    }

    @Benchmark
    public byte[] rawMessageDigest() {
        digest.update(payload);
        payload.rewind();
        return digest.digest();
    }

    @Benchmark
    public boolean verify() {
        return FileHasher.matches(payload, chunkHashes, nextIndex());
    }

    @Benchmark
    public int verifyAndWrite() throws IOException {
        int index = nextIndex();
        if (!FileHasher.matches(payload, chunkHashes, index)) {
            throw new IllegalStateException("chunk " + index + " does not match its hash");
        }
        partial.writeChunk(index, payload);
        return index;
    }

    private int nextIndex() {
        int index = next;
        next = (index + 1) % CHUNKS;
        return index;
    }
}

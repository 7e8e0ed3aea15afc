package io.swiftserve.chain;

import com.google.protobuf.ByteString;
import com.google.protobuf.InvalidProtocolBufferException;
import io.swiftserve.identity.Sha256;

/**
 * What a published version holds, kept off the chain: size, chunk size and every chunk's SHA-256
 * (and, for a directory tree, its files). The chain carries only {@link #hash()}, the SHA-256 of
 * the manifest's bytes, so a FileAdd is a few hundred bytes whatever the size of the version. A
 * node takes a manifest from any peer and checks the hash before it reads a field.
 *
 * <p>Why a hash of the list rather than a Merkle root (BitTorrent v2): the list is 32 bytes per
 * chunk, 128 KiB for 1 GiB at 256 KiB chunks, 0.01 % of the data, and every node needs all of it
 * anyway to verify all of the data it will hold. A Merkle root would pay off only for verifying a
 * chunk before the list has arrived, which the swarm never does. Trees and chunk-level reuse across
 * versions need the per-chunk hashes and the entry list, which this format carries.
 */
public final class Manifest {
    public static final int FORMAT = 1;

    private final byte[] bytes;
    private final Hash hash;
    private final io.swiftserve.proto.Manifest proto;

    private Manifest(byte[] bytes, Hash hash, io.swiftserve.proto.Manifest proto) {
        this.bytes = bytes;
        this.hash = hash;
        this.proto = proto;
    }

    /** The manifest of one file's content. */
    public static Manifest ofFile(long size, int chunkSize, byte[] chunkHashes) {
        byte[] bytes = io.swiftserve.proto.Manifest.newBuilder()
                .setFormat(FORMAT)
                .setSize(size)
                .setChunkSize(chunkSize)
                .setChunkHashes(ByteString.copyFrom(chunkHashes))
                .build()
                .toByteArray();
        try {
            return parse(bytes, Hash.sha256(bytes));
        } catch (InvalidException e) {
            throw new IllegalArgumentException(e.getMessage(), e);
        }
    }

    /**
     * The manifest of a directory tree: its content is the files' bytes concatenated in the order of
     * {@code entries}, cut where {@link TreeChunks} says. Refuses an entry list that {@link
     * TreeEntries#check} refuses, or a hash count that is not that cut's.
     */
    public static Manifest ofTree(long size, int chunkSize, byte[] chunkHashes, java.util.List<TreeEntry> entries)
            throws InvalidException {
        checkTree(entries, size, chunkSize, chunkHashes.length / Sha256.LENGTH);
        byte[] bytes = io.swiftserve.proto.Manifest.newBuilder()
                .setFormat(FORMAT)
                .setSize(size)
                .setChunkSize(chunkSize)
                .setChunkHashes(ByteString.copyFrom(chunkHashes))
                .addAllEntries(entries.stream().map(TreeEntry::proto).toList())
                .build()
                .toByteArray();
        return parse(bytes, Hash.sha256(bytes));
    }

    /** Reads bytes claimed to be the manifest named {@code expected}; refuses them unless the hash matches. */
    public static Manifest parse(byte[] bytes, Hash expected) throws InvalidException {
        Hash actual = Hash.sha256(bytes);
        InvalidException.check(
                actual.equals(expected),
                "manifest bytes hash to " + actual.shortHex() + ", not " + expected.shortHex());
        io.swiftserve.proto.Manifest proto;
        try {
            proto = io.swiftserve.proto.Manifest.parseFrom(bytes);
        } catch (InvalidProtocolBufferException e) {
            throw new InvalidException("manifest is not readable: " + e.getMessage());
        }
        InvalidException.check(
                proto.getFormat() == FORMAT, "manifest format " + proto.getFormat() + " is not " + FORMAT);
        InvalidException.check(
                proto.getChunkHashes().size() % Sha256.LENGTH == 0, "manifest chunk hashes are not 32 bytes each");
        return new Manifest(bytes, actual, proto);
    }

    /** Checks that this manifest describes what {@code entry} published (size, chunk size, one hash per chunk). */
    public void check(FileEntry entry) throws InvalidException {
        InvalidException.check(
                size() == entry.size() && chunkSize() == entry.chunkSize(),
                "manifest of " + size() + " bytes in chunks of " + chunkSize() + ", the chain says " + entry.size()
                        + " in " + entry.chunkSize());
        InvalidException.check(
                chunkCount() == entry.chunkCount(),
                "manifest lists " + chunkCount() + " chunk hashes for " + entry.chunkCount() + " chunks");
        if (isTree()) {
            checkTree(entries(), size(), chunkSize(), chunkCount());
        } else {
            InvalidException.check(
                    chunkCount() == FileEntry.fixedCount(size(), chunkSize()),
                    "a file of " + size() + " bytes is not " + chunkCount() + " chunks of " + chunkSize());
        }
    }

    private static void checkTree(java.util.List<TreeEntry> entries, long size, int chunkSize, int chunkCount)
            throws InvalidException {
        TreeEntries.check(entries, size);
        int cut = TreeChunks.count(entries, chunkSize);
        InvalidException.check(
                cut == chunkCount, "the tree's files cut into " + cut + " chunks, its manifest lists " + chunkCount);
    }

    /** Whether this version is a directory tree (its manifest lists entries) rather than one file. */
    public boolean isTree() {
        return proto.getEntriesCount() > 0;
    }

    /** A tree's files and empty directories, in content order; empty for a single file. */
    public java.util.List<TreeEntry> entries() {
        return proto.getEntriesList().stream().map(TreeEntry::of).toList();
    }

    public Hash hash() {
        return hash;
    }

    public byte[] bytes() {
        return bytes.clone();
    }

    public int byteSize() {
        return bytes.length;
    }

    public long size() {
        return proto.getSize();
    }

    public int chunkSize() {
        return proto.getChunkSize();
    }

    public int chunkCount() {
        return proto.getChunkHashes().size() / Sha256.LENGTH;
    }

    /** Every chunk's SHA-256, concatenated. */
    public byte[] chunkHashes() {
        return proto.getChunkHashes().toByteArray();
    }
}
